#Requires -Version 7.4
<#
    Runs docs examples (from Get-RunnableExample) against the fake ARM, each in a fresh runspace of this process: the
    fake is reset, the built module imported and connected as tests/Pester/Common.ps1 does, the location is a work
    folder holding a copy of examples/. Writes one JSON object per example: Page, Title, Errors (every error record and
    the terminating exception, as text) and Output (the formatted output, for the failure message).
    Started by DocsExamples.Tests.ps1 in a child pwsh, so nothing of it stays in the Pester process.
#>
param(
    [Parameter(Mandatory)][string] $RepoRoot,
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $ArmEndpoint,
    # The fake cluster the ARM credential actions point at; reset too, since the ARM reset leaves it alone.
    [Parameter(Mandatory)][string] $KubernetesEndpoint,
    [Parameter(Mandatory)][string] $WorkDirectory,
    [Parameter(Mandatory)][string] $ResultPath,
    [int] $TimeoutSeconds = 60
)

$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'RunnableExamples.ps1')
$examples = @(Get-RunnableExample -RepoRoot $RepoRoot)
New-Item -ItemType Directory -Force -Path $WorkDirectory | Out-Null
Copy-Item (Join-Path $RepoRoot 'examples') $WorkDirectory -Recurse -Force

$setup = {
    param($ArmEndpoint, $WorkDirectory)
    Connect-AksSecurity -AccessToken (ConvertTo-SecureString 'docs-example-token' -AsPlainText -Force) -ArmEndpoint $ArmEndpoint -Subscription '00000000-0000-0000-0000-000000000000' -MaxRetryCount 1 | Out-Null
    Set-Location -LiteralPath $WorkDirectory
}

$results = foreach ($example in $examples) {
    Invoke-RestMethod -Method Post -Uri "$($ArmEndpoint)_fake/reset" | Out-Null
    Invoke-RestMethod -Method Post -Uri "$($KubernetesEndpoint)_fake/k8s/reset" | Out-Null
    $state = [System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
    $state.ImportPSModule($ModulePath)
    $runspace = [runspacefactory]::CreateRunspace($state)
    $runspace.Open()
    $shell = [powershell]::Create($runspace)
    $errors = [System.Collections.Generic.List[string]]::new()
    $output = ''
    try {
        $null = $shell.AddScript($setup).AddArgument($ArmEndpoint).AddArgument($WorkDirectory).Invoke()
        $shell.Commands.Clear()
        if ($shell.Streams.Error.Count -eq 0) {
            # Out-String formats the output as a user would see it, so the format views run too.
            $null = $shell.AddScript($example.Script).AddCommand('Out-String').AddParameter('Width', 160)
            $async = $shell.BeginInvoke()
            if (-not $async.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds($TimeoutSeconds))) {
                $shell.Stop()
                $errors.Add("did not finish within $TimeoutSeconds s")
            }
            else {
                $output = ($shell.EndInvoke($async) | Out-String).Trim()
            }
        }
    }
    catch {
        $errors.Add("terminating: $($_.Exception.InnerException ?? $_.Exception | ForEach-Object Message)")
    }
    finally {
        foreach ($record in $shell.Streams.Error) { $errors.Add("$($record.FullyQualifiedErrorId): $($record.Exception.Message)") }
        $shell.Dispose()
        $runspace.Dispose()
    }
    [pscustomobject]@{ Page = $example.Page; Title = $example.Title; Errors = @($errors); Output = $output }
}

ConvertTo-Json -InputObject @($results) -Depth 4 | Set-Content -LiteralPath $ResultPath -Encoding utf8NoBOM
