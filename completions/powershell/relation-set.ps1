
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'relation-set' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'relation-set'
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
        'relation-set' {
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'pick whether you are setting "application" settings or "unit" settings')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'file containing key-value pairs')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'deprecated format flag')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'specify a relation by id')
            [CompletionResult]::new('--relation', '--relation', [CompletionResultType]::ParameterName, 'specify a relation by id')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Show help on a command or other topic.')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Show help on a command or other topic.')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
