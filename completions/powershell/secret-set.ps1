
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'secret-set' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'secret-set'
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
        'secret-set' {
            [CompletionResult]::new('--expire', '--expire', [CompletionResultType]::ParameterName, 'either a duration or time when the secret should expire')
            [CompletionResult]::new('--rotate', '--rotate', [CompletionResultType]::ParameterName, 'the secret rotation policy')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'the secret description')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'a label used to identify the secret in hooks')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'a YAML file containing secret key values')
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'the owner of the secret, either the application or unit')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Show help on a command or other topic.')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Show help on a command or other topic.')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
