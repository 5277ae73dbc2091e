BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:Arm = Start-FakeArm
    Connect-FakeArm | Out-Null
    # No seeded cluster has the add-on.
    $script:OpenId = Get-ClusterId rg1 clustername1
    $script:Addon = 'properties.addonProfiles.azureKeyvaultSecretsProvider'

    function New-ClusterFile([string] $Name, $AddonProfiles) {
        # prod-restricted.json with the add-on profile given; the shape is the one in
        # ManagedClustersCreate_AzureKeyvaultSecretsProvider.json (2026-08-01).
        $doc = Get-Content -Raw (Join-Path $ExamplesDirectory 'prod-restricted.json') | ConvertFrom-Json -Depth 64
        $doc.properties | Add-Member addonProfiles $AddonProfiles
        $file = Join-Path $TestDrive "$Name.json"
        $doc | ConvertTo-Json -Depth 64 | Set-Content $file
        $file
    }

    function New-AddonProfile([string] $Rotation = 'true', [string] $Interval = '2m') {
        @{ azureKeyvaultSecretsProvider = @{ config = @{ enableSecretRotation = $Rotation; rotationPollInterval = $Interval }; enabled = $true } }
    }

    function Invoke-WithAnswer([string] $Command, [string] $Answer) {
        # A child pwsh that is not -NonInteractive reads the confirmation answer from stdin and prints the prompt.
        $script = "Import-Module '$ModulePath'; Connect-AksSecurity -AccessToken (ConvertTo-SecureString t -AsPlainText -Force) -ArmEndpoint '$($Arm.ArmEndpoint)' -Subscription $Sub0 | Out-Null; $Command"
        ((($Answer | & dotnet pwsh -NoProfile -Command $script 2>&1) -join ' ') -replace '\s+', ' ')
    }
}

AfterAll {
    Disconnect-AksSecurity
    Stop-FakeArm $Arm
}

Describe 'Test-AksKeyVaultCsi offline' {
    It 'reports the add-on off on every example document and runs nothing that needs it' {
        $results = Test-AksKeyVaultCsi -Path (Join-Path $ExamplesDirectory '*.json')
        $results.Count | Should -Be 5
        foreach ($result in $results) {
            $result.Findings.CheckId | Should -Be 'AKS-KV-001'
            $result.ChecksRun | Should -Be 'AKS-KV-001'
            $result.Findings[0].JsonPath | Should -Be "$Addon.enabled"
            $result.Findings[0].Remediation | Should -Match '^Enable-AksKeyVaultCsi -Id .* -EnableSecretRotation$'
        }
    }

    It 'passes the published add-on settings' {
        $result = Test-AksKeyVaultCsi -LiteralPath (New-ClusterFile 'example' (New-AddonProfile))
        $result.Passed | Should -BeTrue
        $result.ChecksRun | Should -Be @('AKS-KV-001', 'AKS-KV-002', 'AKS-KV-003')
    }

    It 'reports rotation off, and a long interval against a threshold of the caller''s choice' {
        (Test-AksKeyVaultCsi -LiteralPath (New-ClusterFile 'norotation' (New-AddonProfile -Rotation 'false'))).Findings.CheckId | Should -Be 'AKS-KV-002'
        $slow = New-ClusterFile 'slow' (New-AddonProfile -Interval '90m')
        $finding = (Test-AksKeyVaultCsi -LiteralPath $slow).Findings
        $finding.CheckId | Should -Be 'AKS-KV-003'
        $finding.Evidence | Should -Match '"90m" \(1 hour 30 minutes\)'
        (Test-AksKeyVaultCsi -LiteralPath $slow -MaximumRotationInterval 2h).Passed | Should -BeTrue
        (Test-AksKeyVaultCsi -LiteralPath $slow -MaximumRotationInterval (New-TimeSpan -Minutes 100)).Passed | Should -BeTrue
        (Test-AksKeyVaultCsi -LiteralPath $slow -MaximumRotationInterval '01:00:00').Passed | Should -BeFalse
    }

    It 'refuses a threshold that is not a positive duration' {
        { Test-AksKeyVaultCsi -Path (Join-Path $ExamplesDirectory 'dev-open.json') -MaximumRotationInterval 'an hour' } | Should -Throw -ErrorId 'InvalidArgument*'
        { Test-AksKeyVaultCsi -Path (Join-Path $ExamplesDirectory 'dev-open.json') -MaximumRotationInterval 0s } | Should -Throw '*must be positive*'
    }
}

Describe 'Enable-AksKeyVaultCsi' {
    BeforeEach { Reset-FakeArm }

    It '-WhatIf shows the exact fields, strings and all, and sends nothing' {
        Clear-FakeArmRequest
        $text = Get-HostOutput { Enable-AksKeyVaultCsi -Id $OpenId -EnableSecretRotation -WhatIf }
        $text | Should -Match ([regex]::Escape("$Addon.enabled: (absent) -> true"))
        $text | Should -Match ([regex]::Escape("$Addon.config.enableSecretRotation: (absent) -> `"true`""))
        $text | Should -Match ([regex]::Escape("$Addon.config.rotationPollInterval: (absent) -> `"2m`""))
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0
    }

    It 'applies a TimeSpan interval as the service''s string, and a second run sends nothing' {
        $cluster = Enable-AksKeyVaultCsi -Id $OpenId -EnableSecretRotation -RotationPollInterval (New-TimeSpan -Minutes 5) -Confirm:$false -PassThru
        $cluster | Should -BeOfType ([AksSecurity.AksCluster])
        $put = @(Get-FakeArmRequest -Method PUT)
        $put.Count | Should -Be 1
        $put[0].headers.'If-Match' | Should -Not -BeNullOrEmpty
        $sent = ($put[0].body | ConvertFrom-Json).properties.addonProfiles.azureKeyvaultSecretsProvider
        $sent.enabled | Should -BeTrue
        $sent.config.enableSecretRotation | Should -BeOfType ([string])
        $sent.config.enableSecretRotation | Should -Be 'true'
        $sent.config.rotationPollInterval | Should -Be '5m'

        Clear-FakeArmRequest
        $text = Get-HostOutput { Enable-AksKeyVaultCsi -Id $OpenId -EnableSecretRotation -RotationPollInterval 300s -Confirm:$false }
        $text | Should -Match 'no change'
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0
        (Test-AksKeyVaultCsi -Id $OpenId).Passed | Should -BeTrue
    }

    It 'refuses bad intervals before sending anything: <Value>' -TestCases @(
        @{ Value = '0s'; Reason = 'must be positive' }
        @{ Value = '-1m'; Reason = 'must be positive' }
        @{ Value = '5x'; Reason = 'not a duration' }
        @{ Value = '120'; Reason = 'not a duration' }
        @{ Value = '48h'; Reason = 'outside 10s to 24h' }
        @{ Value = '1s'; Reason = 'outside 10s to 24h' }
        @{ Value = (New-TimeSpan -Seconds -30); Reason = 'must be positive' }
    ) {
        Clear-FakeArmRequest
        $err = $null
        try { Enable-AksKeyVaultCsi -Id $OpenId -RotationPollInterval $Value -Confirm:$false } catch { $err = $_ }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match $Reason
        @(Get-FakeArmRequest).Count | Should -Be 0
    }

    It 'refuses -Disable with settings' {
        { Enable-AksKeyVaultCsi -Id $OpenId -Disable -EnableSecretRotation -Confirm:$false } | Should -Throw -ErrorId 'InvalidArgument*'
    }

    It 'turns the add-on off with a warning, keeping its settings; again is no change' {
        Enable-AksKeyVaultCsi -Id $OpenId -Confirm:$false
        Enable-AksKeyVaultCsi -Id $OpenId -Disable -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        ($warnings -join "`n") | Should -Match 'cannot start or restart'
        $addon = (Get-FakeArmCluster -Id $OpenId).properties.addonProfiles.azureKeyvaultSecretsProvider
        $addon.enabled | Should -BeFalse
        $addon.config.rotationPollInterval | Should -Be '2m'

        Clear-FakeArmRequest
        (Get-HostOutput { Enable-AksKeyVaultCsi -Id $OpenId -Disable -Confirm:$false }) | Should -Match 'no change'
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0
    }

    It 'changes the add-on under the key the cluster spells, never adding a second' {
        $doc = Get-FakeArmCluster -Id $OpenId
        $doc.properties | Add-Member addonProfiles @{ azurekeyvaultsecretsprovider = @{ enabled = $true; config = @{ enableSecretRotation = 'false' } } } -Force
        Set-FakeArmCluster $doc
        Enable-AksKeyVaultCsi -Id $OpenId -EnableSecretRotation -Confirm:$false
        $addons = (Get-FakeArmCluster -Id $OpenId).properties.addonProfiles
        $addons.PSObject.Properties.Name | Should -Be 'azurekeyvaultsecretsprovider'
        $addons.azurekeyvaultsecretsprovider.config.enableSecretRotation | Should -Be 'true'
    }

    It 'keeps a change someone made between our read and our write' {
        Add-FakeArmFault -Method GET -PathContains '/managedClusters/clustername1' -Action ConcurrentWrite -JsonPath 'tags.owner' -Value 'platform-team' -Times 1
        Enable-AksKeyVaultCsi -Id $OpenId -EnableSecretRotation -Confirm:$false -WarningAction SilentlyContinue
        $final = Get-FakeArmCluster -Id $OpenId
        $final.tags.owner | Should -Be 'platform-team'
        $final.properties.addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation | Should -Be 'true'
        (Get-FakeArmRequest -Method PUT).status | Should -Be @(412, 200)
    }

    It 'asks before turning the add-on off, saying what pods lose' {
        Enable-AksKeyVaultCsi -Id $OpenId -Confirm:$false
        Clear-FakeArmRequest
        $text = Invoke-WithAnswer "Enable-AksKeyVaultCsi -Id '$OpenId' -Disable" 'N'
        $text | Should -Match ([regex]::Escape("$Addon.enabled: true -> false"))
        $text | Should -Match 'Pods that mount Key Vault secrets .* cannot start or restart while the add-on is off'
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0
    }

    It 'has examples in Get-Help' {
        $examples = @((Get-Help Enable-AksKeyVaultCsi -Examples).examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        ($examples.code -join "`n") | Should -Match 'Enable-AksKeyVaultCsi .*-RotationPollInterval'
        @((Get-Help Test-AksKeyVaultCsi -Examples).examples.example).Count | Should -BeGreaterOrEqual 2
    }
}
