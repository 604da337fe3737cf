
use builtin;
use str;

set edit:completion:arg-completer[opened-ports] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'opened-ports'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'opened-ports'= {
            cand --format 'Specify output format (json|smart|yaml)'
            cand -o 'Specify an output file'
            cand --output 'Specify an output file'
            cand --endpoints 'display the list of target application endpoints for each port range'
            cand -h 'Show help on a command or other topic.'
            cand --help 'Show help on a command or other topic.'
        }
    ]
    $completions[$command]
}
