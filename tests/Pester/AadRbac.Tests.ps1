BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:Arm = Start-FakeArm
    Connect-FakeArm | Out-Null
    # Seeded clusters: private1 has Kubernetes RBAC and no aadProfile; clustername1 has enableRBAC false;
    # restricted1 has managed Entra ID with Azure RBAC and no admin group.
    $script:PrivateId = Get-ClusterId rg1 private1
    $script:OpenId = Get-ClusterId rg1 clustername1
    $script:RestrictedId = Get-ClusterId rg2 restricted1
    $script:GroupA = '8d3a1c2e-5b4f-4a6e-9c7d-0e1f2a3b4c5d'
    $script:GroupB = 'f1e2d3c4-b5a6-4789-8abc-def012345678'

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

Describe 'Test-AksAadRbac offline' {
    It 'audits every example document' {
        $results = Test-AksAadRbac -Path (Join-Path $ExamplesDirectory '*.json')
        $results.Count | Should -Be 5
        $devOpen = $results | Where-Object ClusterName -eq 'dev-open'
        $devOpen.Findings.CheckId | Should -Be @('AKS-AAD-001', 'AKS-AAD-002', 'AKS-AAD-003', 'AKS-AAD-004')
        $devOpen.Findings[0].Severity | Should -Be 'High'
        $devOpen.Findings[0].Title | Should -Match 'set at creation only'
        $devOpen.Findings[0].JsonPath | Should -Be 'properties.enableRBAC'
        ($results | Where-Object ClusterName -eq 'prod-restricted').Findings.CheckId | Should -Be 'AKS-AAD-004'
        ($results | Where-Object ClusterName -eq 'prod-private').ChecksRun | Should -Not -Contain 'AKS-AAD-005'
    }

    It 'passes a cluster with every setting, read from a file' {
        $doc = Get-Content -Raw (Join-Path $ExamplesDirectory 'prod-restricted.json') | ConvertFrom-Json -Depth 64
        $doc.properties.aadProfile.adminGroupObjectIDs = @($GroupA)
        $doc.properties | Add-Member disableLocalAccounts $true
        $file = Join-Path $TestDrive 'hardened.json'
        $doc | ConvertTo-Json -Depth 64 | Set-Content $file
        $result = Test-AksAadRbac -LiteralPath $file
        $result.Passed | Should -BeTrue
        $result.ChecksRun | Should -Be @('AKS-AAD-001', 'AKS-AAD-002', 'AKS-AAD-003', 'AKS-AAD-004', 'AKS-AAD-005')
    }

    It 'names the command that fixes each finding' {
        $result = Test-AksAadRbac -Path (Join-Path $ExamplesDirectory 'prod-private.json')
        $result.Findings.Remediation | ForEach-Object { $_ | Should -Match '^Enable-AksAadRbac -Id ' }
    }
}

Describe 'Test-AksAadRbac live' {
    BeforeAll { Reset-FakeArm }

    It 'tests clusters by name, by id and from Get-AksCluster' {
        (Test-AksAadRbac -ResourceGroupName rg1 -Name clustername1).Findings.CheckId | Should -Contain 'AKS-AAD-001'
        (Test-AksAadRbac -Id $RestrictedId).Findings.CheckId | Should -Be 'AKS-AAD-004'
        (Get-AksCluster | Test-AksAadRbac).ClusterName | Should -Be @('clustername1', 'private1', 'restricted1')
    }
}

Describe 'Enable-AksAadRbac' {
    BeforeEach { Reset-FakeArm }

    It 'is High impact and exported' {
        $command = Get-Command Enable-AksAadRbac
        $command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'High'
    }

    It '-WhatIf shows the exact field changes and sends nothing' {
        Clear-FakeArmRequest
        $text = Get-HostOutput { Enable-AksAadRbac -Id $PrivateId -AdminGroupObjectId $GroupA -EnableAzureRbac -DisableLocalAccount -WhatIf }
        $text | Should -Match ([regex]::Escape('properties.aadProfile.managed: (absent) -> true'))
        $text | Should -Match ([regex]::Escape('properties.aadProfile.enableAzureRBAC: (absent) -> true'))
        $text | Should -Match ([regex]::Escape("properties.aadProfile.adminGroupObjectIDs: (absent) -> [`"$GroupA`"]"))
        $text | Should -Match ([regex]::Escape('properties.disableLocalAccounts: (absent) -> true'))
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0
    }

    It 'applies with If-Match, then a second run changes nothing and the test passes' {
        $cluster = Enable-AksAadRbac -Id $PrivateId -AdminGroupObjectId $GroupA -EnableAzureRbac -DisableLocalAccount -Confirm:$false -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
        $cluster | Should -BeOfType ([AksSecurity.AksCluster])
        ($warnings -join "`n") | Should -Match 'rotate-certs'
        $put = @(Get-FakeArmRequest -Method PUT)
        $put.Count | Should -Be 1
        $put[0].headers.'If-Match' | Should -Not -BeNullOrEmpty
        $sent = $put[0].body | ConvertFrom-Json
        $sent.properties.aadProfile.managed | Should -BeTrue
        $sent.properties.aadProfile.adminGroupObjectIDs | Should -Be $GroupA
        $sent.properties.aadProfile.PSObject.Properties.Name | Should -Not -Contain 'clientAppID'
        $sent.properties.disableLocalAccounts | Should -BeTrue

        Clear-FakeArmRequest
        $text = Get-HostOutput { Enable-AksAadRbac -Id $PrivateId -AdminGroupObjectId $GroupA.ToUpperInvariant() -EnableAzureRbac -DisableLocalAccount -Confirm:$false }
        $text | Should -Match 'no change'
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0
        (Test-AksAadRbac -Id $PrivateId).Passed | Should -BeTrue
    }

    It 'keeps existing admin groups when adding one, and takes clusters from the pipeline' {
        Enable-AksAadRbac -Id $RestrictedId -AdminGroupObjectId $GroupA -Confirm:$false
        Get-AksCluster -ResourceGroupName rg2 -Name restricted1 | Enable-AksAadRbac -AddAdminGroupObjectId $GroupB -Confirm:$false
        (Get-FakeArmCluster -Id $RestrictedId).properties.aadProfile.adminGroupObjectIDs | Should -Be @($GroupA, $GroupB)
    }

    It 'refuses a cluster created without Kubernetes RBAC, sending nothing' {
        Clear-FakeArmRequest
        $err = $null
        Enable-AksAadRbac -Id $OpenId -AdminGroupObjectId $GroupA -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NotSupported*'
        $err[0].Exception.Message | Should -Match 'Only cluster creation sets it'
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0
    }

    It 'refuses to disable local accounts when nobody could sign in afterwards' {
        Clear-FakeArmRequest
        $err = $null
        Enable-AksAadRbac -Id $PrivateId -DisableLocalAccount -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'SecurityError'
        $err[0].Exception.Message | Should -Match 'nobody could get cluster-admin credentials'
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0

        # Azure RBAC is a way in: allowed, with a reminder.
        Enable-AksAadRbac -Id $RestrictedId -DisableLocalAccount -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        ($warnings -join "`n") | Should -Match 'Azure Kubernetes Service RBAC Cluster Admin'
        (Get-FakeArmCluster -Id $RestrictedId).properties.disableLocalAccounts | Should -BeTrue
    }

    It 'refuses bad ids before sending anything' {
        Clear-FakeArmRequest
        $err = $null
        try { Enable-AksAadRbac -Id $PrivateId -AdminGroupObjectId $GroupA, 'not-a-guid', '00000000-0000-0000-0000-000000000000' -Confirm:$false } catch { $err = $_ }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match "'not-a-guid' is not a group object id"
        $err.Exception.Message | Should -Match 'empty GUID'
        { Enable-AksAadRbac -Id $PrivateId -TenantId 'contoso.onmicrosoft.com' -Confirm:$false } | Should -Throw -ErrorId 'InvalidArgument*'
        { Enable-AksAadRbac -Id $PrivateId -AdminGroupObjectId @() -Confirm:$false } | Should -Throw '*at least one*'
        @(Get-FakeArmRequest).Count | Should -Be 0
    }

    It 'keeps a change someone made between our read and our write' {
        Add-FakeArmFault -Method GET -PathContains '/managedClusters/private1' -Action ConcurrentWrite -JsonPath 'tags.owner' -Value 'platform-team' -Times 1
        Enable-AksAadRbac -Id $PrivateId -AdminGroupObjectId $GroupA -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        $final = Get-FakeArmCluster -Id $PrivateId
        $final.tags.owner | Should -Be 'platform-team'
        $final.properties.aadProfile.managed | Should -BeTrue
        (Get-FakeArmRequest -Method PUT).status | Should -Be @(412, 200)
        ($warnings -join "`n") | Should -Match 'changed by someone else'
    }

    It 'asks by default and says that managed Entra ID cannot be undone' {
        Clear-FakeArmRequest
        $text = Invoke-WithAnswer "Enable-AksAadRbac -Id '$PrivateId' -AdminGroupObjectId $GroupA" 'N'
        $text | Should -Match 'Apply this change\?'
        $text | Should -Match 'cannot be turned off once it is on'
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0
    }

    It 'asks without that sentence when managed Entra ID is on already' {
        $text = Invoke-WithAnswer "Enable-AksAadRbac -Id '$RestrictedId' -AdminGroupObjectId $GroupA" 'N'
        $text | Should -Match ([regex]::Escape('adminGroupObjectIDs: (absent) ->'))
        $text | Should -Not -Match 'cannot be turned off'
    }

    It 'has examples in Get-Help' {
        $examples = @((Get-Help Enable-AksAadRbac -Examples).examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        ($examples.code -join "`n") | Should -Match 'Enable-AksAadRbac .*-AdminGroupObjectId'
        @((Get-Help Test-AksAadRbac -Examples).examples.example).Count | Should -BeGreaterOrEqual 2
    }
}
