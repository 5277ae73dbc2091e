<#
    examples/runbooks/Invoke-AksSecurityAudit.ps1 as Azure Automation runs it: a child pwsh with IDENTITY_ENDPOINT and
    IDENTITY_HEADER set (the managed identity endpoint Automation provides, here the fake's), the module found by name on
    PSModulePath, AKSSECURITY_ARM_ENDPOINT pointing at the fake ARM (whose blob endpoint stands in for the storage account).
#>
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Arm = Start-FakeArm
    $script:Runbook = Join-Path $RepoRoot 'examples/runbooks/Invoke-AksSecurityAudit.ps1'
    # out/AksSecurity/<version>/AksSecurity.psd1 -> out/ holds the module folder AksSecurity.
    $script:ModuleRoot = Split-Path (Split-Path (Split-Path $ModulePath))

    function Invoke-Runbook([string[]] $Arguments) {
        $saved = @{}
        $variables = @{
            IDENTITY_ENDPOINT        = $Arm.IdentityEndpoint
            IDENTITY_HEADER          = $Arm.IdentityHeader
            AKSSECURITY_ARM_ENDPOINT = $Arm.ArmEndpoint
            PSModulePath             = $ModuleRoot + [IO.Path]::PathSeparator + $env:PSModulePath
        }
        foreach ($name in $variables.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $variables[$name]) }
        try {
            $output = & dotnet pwsh -NoProfile -NonInteractive -File $Runbook @Arguments 2>&1 | Out-String
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $output }
        }
        finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
    }
}

AfterAll {
    Stop-FakeArm $Arm
}

Describe 'Azure Automation runbook Invoke-AksSecurityAudit.ps1' {
    Context 'with a storage account, above the threshold' {
        BeforeAll {
            Reset-FakeArm
            Clear-FakeArmRequest
            $script:Run = Invoke-Runbook @('-StorageContainerUri', "$($Arm.ArmEndpoint)devstoreaccount1/reports", '-FailOn', 'High')
            $script:Puts = @(Get-FakeArmRequest -Method PUT -PathContains '/devstoreaccount1/reports/aks-security/')
        }

        It 'audits every cluster the identity can see' {
            $Run.Output | Should -Match 'Signed in with the managed identity \(ManagedIdentity\)'
            $Run.Output | Should -Match 'Audited 4 cluster\(s\)'
        }

        It 'uploads the HTML, JSON and Markdown reports to the container with a Storage token' {
            @($Puts.path | ForEach-Object { Split-Path $_ -Leaf }) | Sort-Object | Should -Be @('aks-security.html', 'aks-security.json', 'aks-security.md')
            $Puts | ForEach-Object { $_.status | Should -Be 201; $_.headers.'x-ms-blob-type' | Should -Be 'BlockBlob'; $_.headers.Authorization | Should -Be 'Bearer <redacted>' }
            @((($Puts | Where-Object path -Like '*.json').body | ConvertFrom-Json).clusters).Count | Should -Be 4
            # The managed identity was asked for a Storage token, as for the ARM one.
            @(Get-FakeArmRequest -PathContains '/msi/token' | Where-Object query -Match 'resource=https://storage\.azure\.com').Count | Should -BeGreaterThan 0
        }

        It 'fails the job on High findings, naming them' {
            $Run.ExitCode | Should -Not -Be 0
            $Run.Output | Should -Match 'at or above High'
            $Run.Output | Should -Not -Match 'No finding at or above'
        }

        It 'never writes a token or the identity header' {
            $Run.Output | Should -Not -Match 'fake-at\.'
            $Run.Output | Should -Not -Match ([regex]::Escape($Arm.IdentityHeader))
            $Run.Output | Should -Not -Match 'Bearer '
        }
    }

    Context 'without a storage account, under the threshold' {
        It 'writes the Markdown report to the output stream and succeeds' {
            Reset-FakeArm
            Clear-FakeArmRequest
            $run = Invoke-Runbook @('-FailOn', 'Critical')
            $run.ExitCode | Should -Be 0 -Because $run.Output
            $run.Output | Should -Match '# AKS security report'
            $run.Output | Should -Match 'clustername1'
            $run.Output | Should -Match 'No finding at or above Critical'
            @(Get-FakeArmRequest -Method PUT -PathContains '/devstoreaccount1/').Count | Should -Be 0
        }
    }
}
