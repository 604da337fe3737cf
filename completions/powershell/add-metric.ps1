
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'add-metric' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'add-metric'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'add-metric' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'labels to be associated with metric values')
            [CompletionResult]::new('--labels', '--labels', [CompletionResultType]::ParameterName, 'labels to be associated with metric values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Show help on a command or other topic.')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Show help on a command or other topic.')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
