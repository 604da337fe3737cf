
use builtin;
use str;

set edit:completion:arg-completer[juju-log] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'juju-log'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'juju-log'= {
            cand --debug 'log at debug level'
            cand -l 'Send log message at the given level'
            cand --log-level 'Send log message at the given level'
            cand --format 'deprecated format flag'
            cand -h 'Show help on a command or other topic.'
            cand --help 'Show help on a command or other topic.'
        }
    ]
    $completions[$command]
}
