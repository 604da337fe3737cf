
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'network-get' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'network-get'
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
        'network-get' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Specify output format (json|smart|yaml)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Specify an output file')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Specify an output file')
            [CompletionResult]::new('--primary-address', '--primary-address', [CompletionResultType]::ParameterName, '(deprecated) get the primary address for the binding')
            [CompletionResult]::new('--bind-address', '--bind-address', [CompletionResultType]::ParameterName, 'get the address for the binding on which the unit should listen')
            [CompletionResult]::new('--ingress-address', '--ingress-address', [CompletionResultType]::ParameterName, 'get the ingress address for the binding')
            [CompletionResult]::new('--egress-subnets', '--egress-subnets', [CompletionResultType]::ParameterName, 'get the egress subnets for the binding')
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
