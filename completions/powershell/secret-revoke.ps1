
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'secret-revoke' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'secret-revoke'
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
        'secret-revoke' {
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'the application to revoke access')
            [CompletionResult]::new('--application', '--application', [CompletionResultType]::ParameterName, 'the application to revoke access')
            [CompletionResult]::new('--unit', '--unit', [CompletionResultType]::ParameterName, 'the unit to revoke access')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'the relation for which to revoke the grant')
            [CompletionResult]::new('--relation', '--relation', [CompletionResultType]::ParameterName, 'the relation for which to revoke the grant')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Show help on a command or other topic.')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Show help on a command or other topic.')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
