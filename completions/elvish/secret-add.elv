
use builtin;
use str;

set edit:completion:arg-completer[secret-add] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'secret-add'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'secret-add'= {
            cand --expire 'either a duration or time when the secret should expire'
            cand --rotate 'the secret rotation policy'
            cand --description 'the secret description'
            cand --label 'a label used to identify the secret in hooks'
            cand --file 'a YAML file containing secret key values'
            cand --owner 'the owner of the secret, either the application or unit'
            cand -h 'Show help on a command or other topic.'
            cand --help 'Show help on a command or other topic.'
        }
    ]
    $completions[$command]
}
