
use builtin;
use str;

set edit:completion:arg-completer[relation-set] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'relation-set'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'relation-set'= {
            cand --app 'pick whether you are setting "application" settings or "unit" settings'
            cand --file 'file containing key-value pairs'
            cand --format 'deprecated format flag'
            cand -r 'specify a relation by id'
            cand --relation 'specify a relation by id'
            cand -h 'Show help on a command or other topic.'
            cand --help 'Show help on a command or other topic.'
        }
    ]
    $completions[$command]
}
