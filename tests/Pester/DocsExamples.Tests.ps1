#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Docs examples that really run.
    1. Every example marked '# runnable' in docs/cmdlets/*.md and docs/about_*.md runs against the fake ARM without an
       error record: all of them in one child pwsh (Invoke-RunnableExample.ps1), each in a fresh runspace with the fakes
       (ARM and the Kubernetes API server its credential actions reach) reset and connected, in a work folder holding a
       copy of examples/.
    2. Every exported cmdlet has a runnable example on its page, or its page says why not in a comment
       '<!-- not runnable: reason -->' (kept out of Get-Help), so cmdlets added later are covered too.
#>

BeforeDiscovery {
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    . (Join-Path $PSScriptRoot 'RunnableExamples.ps1')
    $exampleCases = @(Get-RunnableExample -RepoRoot $repoRoot | ForEach-Object { @{ Page = $_.Page; Title = $_.Title } })

    $modulePath = if ($env:AKSSECURITY_MODULE_PATH) { $env:AKSSECURITY_MODULE_PATH } else {
        (Get-ChildItem (Join-Path $repoRoot 'out/AksSecurity/*/AksSecurity.psd1') | Sort-Object FullName | Select-Object -Last 1).FullName
    }
    $manifest = Import-PowerShellDataFile $modulePath
    $runnablePages = @($exampleCases | ForEach-Object Page)
    $cmdletCases = @($manifest.CmdletsToExport | Sort-Object | ForEach-Object {
            $page = "docs/cmdlets/$_.md"
            $text = if (Test-Path (Join-Path $repoRoot $page)) { Get-Content -Raw (Join-Path $repoRoot $page) } else { '' }
            @{
                Name     = $_
                Runnable = $runnablePages -contains $page
                Reason   = if ($text -match '<!--\s*not runnable:\s*(.+?)\s*-->') { $Matches[1] } else { $null }
            }
        })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Arm = Start-FakeArm
    $work = Join-Path ([IO.Path]::GetTempPath()) "aks-docs-examples-$([guid]::NewGuid().ToString('N'))"
    $resultPath = Join-Path $work 'results.json'
    New-Item -ItemType Directory -Path $work | Out-Null
    $arguments = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'Invoke-RunnableExample.ps1'),
        '-RepoRoot', $RepoRoot, '-ModulePath', $ModulePath, '-ArmEndpoint', $Arm.ArmEndpoint, '-KubernetesEndpoint', $Arm.KubernetesEndpoint,
        '-WorkDirectory', (Join-Path $work 'run'), '-ResultPath', $resultPath)
    # Automation's managed identity, for examples that connect with -Identity or the default chain.
    $env:IDENTITY_ENDPOINT = $Arm.IdentityEndpoint
    $env:IDENTITY_HEADER = $Arm.IdentityHeader
    $env:AKSSECURITY_ARM_ENDPOINT = $Arm.ArmEndpoint
    try {
        $script:RunnerOutput = & dotnet pwsh @arguments 2>&1 | Out-String
    }
    finally {
        Remove-Item Env:IDENTITY_ENDPOINT, Env:IDENTITY_HEADER, Env:AKSSECURITY_ARM_ENDPOINT -ErrorAction SilentlyContinue
    }
    $script:Results = if (Test-Path $resultPath) { @(Get-Content -Raw $resultPath | ConvertFrom-Json) } else { @() }
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}

AfterAll {
    Stop-FakeArm $Arm
}

Describe 'Runnable docs examples' {
    It 'finds runnable examples' -TestCases @(@{ Count = $exampleCases.Count }) {
        $Count | Should -BeGreaterThan 0
    }

    It '<Page>: <Title> runs without errors' -ForEach $exampleCases {
        $result = @($Results | Where-Object { $_.Page -eq $Page -and $_.Title -eq $Title })
        $result.Count | Should -Be 1 -Because "the runner reports every example (runner output: $RunnerOutput)"
        $result[0].Errors | Should -BeNullOrEmpty -Because "the example must run cleanly; its output was:`n$($result[0].Output)"
    }
}

Describe 'Every cmdlet has a runnable example' {
    It '<Name> has a runnable example or says why not' -ForEach $cmdletCases {
        ($Runnable -or $Reason) | Should -BeTrue -Because "docs/cmdlets/$Name.md needs an example marked '# runnable' (or '<!-- not runnable: reason -->')"
    }
}
