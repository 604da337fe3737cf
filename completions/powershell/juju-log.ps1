
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'juju-log' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'juju-log'
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
        'juju-log' {
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'log at debug level')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Send log message at the given level')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Send log message at the given level')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'deprecated format flag')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Show help on a command or other topic.')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Show help on a command or other topic.')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
