//! The timeline as one self-contained HTML page: the SVG picture, inline CSS and JS, nothing
//! fetched from anywhere. Hovering an element shows its details (a hook's juju-log lines and
//! output, a term's lease and guarantee) in the panel under the picture; the mouse wheel or the
//! buttons zoom the time axis around the pointer, dragging pans.

use super::model::Timeline;

const STYLE: &str = r#"body{font-family:sans-serif;margin:16px;color:#222}
#controls button{margin-right:4px}
#frame{border:1px solid #ddd;overflow:hidden;cursor:grab;user-select:none}
#details{white-space:pre-wrap;font-family:monospace;font-size:12px;background:#f7f7f7;border:1px solid #ddd;min-height:4em;padding:6px;margin-top:8px}
#hint{color:#777;font-size:12px}"#;

const SCRIPT: &str = r##"(function(){
const svg=document.getElementById('timeline');
const end=parseFloat(svg.dataset.end), left=parseFloat(svg.dataset.left), plot=parseFloat(svg.dataset.plot);
let v0=0, v1=end;
const details=document.getElementById('details');
const x=t=>left+(t-v0)/(v1-v0)*plot;
function fmt(ms){ if(ms<1000) return Math.round(ms)+'ms'; const s=ms/1000; return (s<60? (Math.round(s*1000)/1000)+'s' : Math.floor(s/60)+'m'+Math.round(s%60)+'s'); }
function axis(){
  const g=document.getElementById('axis'); const y1=g.querySelector('line').getAttribute('y1'), y2=g.querySelector('line').getAttribute('y2'), ty=g.querySelector('text').getAttribute('y');
  const span=v1-v0; const steps=[1,2,5,10,20,50,100,200,500,1e3,2e3,5e3,1e4,15e3,3e4,6e4,12e4,3e5,6e5];
  const step=steps.find(s=>span/s<=10)||span/10; let html='';
  for(let t=Math.ceil(v0/step)*step;t<=v1;t+=step){ const X=x(t).toFixed(1);
    html+=`<line x1="${X}" x2="${X}" y1="${y1}" y2="${y2}" stroke="#e4e4e4"/><text x="${X}" y="${ty}" fill="#777" font-size="10" text-anchor="middle">${fmt(t)}</text>`; }
  g.innerHTML=html;
}
function draw(){
  for(const el of svg.querySelectorAll('[data-t0]')){
    const t0=parseFloat(el.dataset.t0), X0=x(t0);
    if(el.tagName==='rect'){ const t1=parseFloat(el.dataset.t1); const min=el.classList.contains('hook')?3:1;
      el.setAttribute('x',X0.toFixed(1)); el.setAttribute('width',Math.max(x(t1)-X0,min).toFixed(1)); }
    else if(el.tagName==='line'){ el.setAttribute('x1',X0.toFixed(1)); el.setAttribute('x2',X0.toFixed(1)); }
    else if(el.tagName==='text'){ el.setAttribute('x',(X0+parseFloat(el.dataset.dx||0)).toFixed(1)); }
    else if(el.tagName==='g'){ const m=/translate\([^,]+,([^)]+)\)/.exec(el.getAttribute('transform')); el.setAttribute('transform',`translate(${X0.toFixed(1)},${m?m[1]:0})`); }
  }
  axis();
  document.getElementById('span').textContent=fmt(v0)+' – '+fmt(v1);
}
function zoom(f,at){ const c=at===undefined?(v0+v1)/2:at; let a=c-(c-v0)/f, b=c+(v1-c)/f;
  if(b-a<5){return;} if(b-a>end){a=0;b=end;} if(a<0){b-=a;a=0;} if(b>end){a-=b-end;b=end;} v0=Math.max(0,a); v1=Math.min(end,b); draw(); }
function timeAt(evt){ const r=svg.getBoundingClientRect(); const px=(evt.clientX-r.left)*svg.viewBox.baseVal.width/r.width; return v0+(px-left)/plot*(v1-v0); }
document.getElementById('zoom-in').onclick=()=>zoom(2);
document.getElementById('zoom-out').onclick=()=>zoom(0.5);
document.getElementById('zoom-reset').onclick=()=>{v0=0;v1=end;draw();};
svg.addEventListener('wheel',e=>{e.preventDefault(); zoom(e.deltaY<0?1.25:0.8,timeAt(e));},{passive:false});
let drag=null;
svg.addEventListener('mousedown',e=>{drag={x:e.clientX,v0,v1};});
window.addEventListener('mouseup',()=>{drag=null;});
window.addEventListener('mousemove',e=>{ if(!drag) return; const r=svg.getBoundingClientRect();
  const dt=(e.clientX-drag.x)*svg.viewBox.baseVal.width/r.width/plot*(drag.v1-drag.v0);
  let a=drag.v0-dt, b=drag.v1-dt; if(a<0){b-=a;a=0;} if(b>end){a-=b-end;b=end;} v0=Math.max(0,a); v1=b; draw(); });
svg.addEventListener('mouseover',e=>{ const el=e.target.closest('[data-detail]'); if(el){ details.textContent=el.dataset.detail; } });
draw();
})();"##;

pub fn render(t: &Timeline) -> String {
    let title = super::svg::esc(&format!("leaderd timeline: {}", if t.app.is_empty() { "(empty)" } else { &t.app }));
    let svg = super::svg::render(t);
    let text = super::svg::esc(&super::text::render(t, 100));
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{STYLE}</style></head>
<body>
<h1 style="font-size:18px">{title}</h1>
<div id="controls"><button id="zoom-in">zoom in</button><button id="zoom-out">zoom out</button><button id="zoom-reset">whole run</button> <span id="span"></span>
<span id="hint">— wheel to zoom around the pointer, drag to pan, hover for details</span></div>
<div id="frame">
{svg}</div>
<div id="details">Hover over a term, a hook, a gap or a marker.</div>
<details><summary>as text</summary><pre>{text}</pre></details>
<script>{SCRIPT}</script>
</body></html>
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_is_self_contained() {
        let t = super::super::model::build(&[]);
        let page = render(&t);
        assert!(page.starts_with("<!DOCTYPE html>") && page.contains("<svg") && page.contains("<script>"));
        for remote in ["http://", "https://", "src=", "<link"] {
            let outside_svg_namespace = page.replace("http://www.w3.org/2000/svg", "");
            assert!(!outside_svg_namespace.contains(remote), "{remote} in the page");
        }
    }
}
