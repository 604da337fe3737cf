#!/usr/bin/env python3
"""Packs a charmcraft.yaml charm as `charmcraft pack` (charmcraft 3, the `uv` plugin) would.

    python pack.py CHARM_DIR [CHARM_DIR...]

writes `CHARM_DIR/<name>_<platform>.charm` (the name jubilant's `find_charm` globs for): a zip
of

* `metadata.yaml`, `config.yaml`, `actions.yaml`: charmcraft.yaml split as charmcraft does it
  (charmcraft's `CharmMetadata.from_charm` and its config and actions models; leaderd's
  `src/local/charm.rs` `split_charmcraft` does the same for a source directory);
* `manifest.yaml` (charmcraft-version, charmcraft-started-at, analysis, bases);
* `src/` and `lib/` (charmcraft's `get_charm_copy_commands`: `cp --archive --recursive`);
* `dispatch`, mode 0755, charmcraft's `DISPATCH_SCRIPT_TEMPLATE` (`charmcraft/dispatch.py`);
* `venv/`: a virtual environment for *this* interpreter (`sys.executable`) with the charm's
  locked dependencies (both test charms' `uv.lock`: ops 2.19.4, PyYAML 6.0.2,
  websocket-client 1.8.0) installed by this interpreter's pip, and every file of `venv/bin/`
  removed but `activate` (charmcraft's `get_venv_cleanup_commands(keep_bins=False)`).

The hooks run `venv/bin/python`, which dispatch links to `$(which python3)` the first time:
the hooks' PATH must reach a real python3 (not a wrapper script such as pyenv's shims) of the
same minor version as the interpreter that ran this script, or the venv is not found and
`import ops` fails. leaderd's driver (`tests/it/jubilant.rs`) puts the directory of the
virtual environment that ran this script first on PATH.

Only the standard library and pip: PyYAML is read from the venv this script has just built.
"""

from __future__ import annotations

import datetime
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile

# Both test charms' uv.lock (tests/integration/charms/*/uv.lock at jubilant 06572b5).
REQUIREMENTS = ['ops==2.19.4', 'PyYAML==6.0.2', 'websocket-client==1.8.0']

# charmcraft/dispatch.py DISPATCH_SCRIPT_TEMPLATE (charmcraft 3).
DISPATCH = """\
#!/bin/sh
dispatch_path="$(dirname $(realpath $0))"
python_path="${dispatch_path}/venv/bin/python"
if [ ! -e "${python_path}" ]; then
    ln -s $(which python3) "${python_path}"
fi

# Add charm lib and source directories to PYTHONPATH so the charm can import
# libraries and its own modules as expected.
export PYTHONPATH="${dispatch_path}/lib:${dispatch_path}/src"

# Add the charm's lib and usr/lib directories to LD_LIBRARY_PATH, allowing
# staged packages to be discovered by the dynamic linker.
export LD_LIBRARY_PATH="${dispatch_path}/usr/lib:${dispatch_path}/lib:${dispatch_path}/usr/lib/$(uname -m)-linux-gnu"

exec "${python_path}" "${dispatch_path}/src/charm.py"
"""

# charmcraft/const.py CHARM_METADATA_KEYS (with charm-user): copied to metadata.yaml as they are.
METADATA_KEYS = [
    'name',
    'summary',
    'description',
    'assumes',
    'charm-user',
    'containers',
    'devices',
    'extra-bindings',
    'peers',
    'provides',
    'requires',
    'resources',
    'storage',
    'subordinate',
    'terms',
]

CHARMCRAFT_VERSION = '3.5.3'


def build_venv(work: str) -> str:
    """A venv for this interpreter in work/venv with REQUIREMENTS; answers site-packages."""
    venv = os.path.join(work, 'venv')
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', venv], check=True)
    minor = f'python{sys.version_info.major}.{sys.version_info.minor}'
    site = os.path.join(venv, 'lib', minor, 'site-packages')
    pip = [sys.executable, '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check']
    pip += ['--no-compile', '--target', site, *REQUIREMENTS]
    subprocess.run(pip, check=True)
    # pip --target puts console scripts in site-packages/bin; the uv plugin's venv has them in
    # venv/bin, which charmcraft then empties: neither is kept.
    shutil.rmtree(os.path.join(site, 'bin'), ignore_errors=True)
    bin_dir = os.path.join(venv, 'bin')
    for name in os.listdir(bin_dir):
        if name != 'activate':
            os.unlink(os.path.join(bin_dir, name))
    return site


def split(charmcraft: dict) -> dict[str, dict]:
    """charmcraft.yaml's metadata, config and actions, as charmcraft writes them."""
    if charmcraft.get('type', 'charm') != 'charm':
        raise SystemExit(f'type {charmcraft.get("type")!r}: only a charm is packed here')
    metadata: dict = {}
    for key, value in charmcraft.items():
        if key == 'extra_bindings':
            metadata['extra-bindings'] = value
        elif key == 'title':
            metadata['display-name'] = value
        elif key == 'links':
            for link, target in value.items():
                if link == 'documentation':
                    metadata['docs'] = target
                elif link == 'contact':
                    metadata['maintainers'] = [target] if isinstance(target, str) else target
                else:
                    metadata[link] = target
        elif key in METADATA_KEYS:
            metadata[key] = value
    files = {'metadata.yaml': metadata}
    if 'config' in charmcraft:
        files['config.yaml'] = charmcraft['config']
    if 'actions' in charmcraft:
        files['actions.yaml'] = charmcraft['actions']
    return files


def bases(charmcraft: dict) -> tuple[str, list[dict]]:
    """The platform the file is named after, and the manifest's bases."""
    platforms = charmcraft.get('platforms') or {'amd64': None}
    platform = next(iter(platforms))
    name, _, channel = charmcraft.get('base', 'ubuntu@24.04').partition('@')
    return platform, [{'name': name, 'channel': channel, 'architectures': [platform]}]


def add_tree(zf: zipfile.ZipFile, root: str, top: str) -> None:
    """Adds root/top recursively under `top`, keeping modes (and symlinks as symlinks)."""
    base = os.path.join(root, top)
    if not os.path.exists(base):
        return
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames.sort()
        for name in sorted(filenames) + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            path = os.path.join(dirpath, name)
            arcname = os.path.relpath(path, root)
            if os.path.islink(path):
                info = zipfile.ZipInfo(arcname)
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                zf.writestr(info, os.readlink(path))
            else:
                zf.write(path, arcname)


def pack(charm_dir: str) -> str:
    charm_dir = os.path.abspath(charm_dir)
    with tempfile.TemporaryDirectory(prefix='pack-') as work:
        site = build_venv(work)
        sys.path.insert(0, site)
        import yaml  # noqa: PLC0415 (from the venv just built: this script needs only the stdlib)

        with open(os.path.join(charm_dir, 'charmcraft.yaml')) as f:
            charmcraft = yaml.safe_load(f)
        platform, manifest_bases = bases(charmcraft)
        out = os.path.join(charm_dir, f'{charmcraft["name"]}_{platform}.charm')
        manifest = {
            'charmcraft-version': CHARMCRAFT_VERSION,
            'charmcraft-started-at': datetime.datetime.now(datetime.timezone.utc)
            .isoformat()
            .replace('+00:00', 'Z'),
            'analysis': {
                'attributes': [
                    {'name': 'language', 'result': 'python'},
                    {'name': 'framework', 'result': 'operator'},
                ]
            },
            'bases': manifest_bases,
        }
        partial = out + '.partial'
        with zipfile.ZipFile(partial, 'w', zipfile.ZIP_DEFLATED) as zf:
            for name, doc in split(charmcraft).items():
                zf.writestr(name, yaml.safe_dump(doc, sort_keys=False))
            zf.writestr('manifest.yaml', yaml.safe_dump(manifest))
            info = zipfile.ZipInfo('dispatch')
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, DISPATCH)
            for top in ('src', 'lib'):
                add_tree(zf, charm_dir, top)
            add_tree(zf, work, 'venv')
        os.replace(partial, out)
        sys.path.remove(site)
        return out


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit(f'usage: {sys.argv[0]} CHARM_DIR [CHARM_DIR...]')
    for charm_dir in sys.argv[1:]:
        print(f'Packed {pack(charm_dir)}')


if __name__ == '__main__':
    main()
