
use builtin;
use str;

set edit:completion:arg-completer[secret-revoke] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'secret-revoke'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'secret-revoke'= {
            cand --app 'the application to revoke access'
            cand --application 'the application to revoke access'
            cand --unit 'the unit to revoke access'
            cand -r 'the relation for which to revoke the grant'
            cand --relation 'the relation for which to revoke the grant'
            cand -h 'Show help on a command or other topic.'
            cand --help 'Show help on a command or other topic.'
        }
    ]
    $completions[$command]
}
