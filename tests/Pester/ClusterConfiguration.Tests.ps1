BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:Arm = Start-FakeArm
    Connect-FakeArm | Out-Null
    $script:OpenId = Get-ClusterId rg1 clustername1

    function Set-Addon([hashtable] $Addons) {
        $cluster = Get-FakeArmCluster -Id $OpenId
        $cluster.properties | Add-Member -NotePropertyName addonProfiles -NotePropertyValue $Addons -Force
        Set-FakeArmCluster $cluster | Out-Null
    }
}

AfterAll {
    Disconnect-AksSecurity
    Stop-FakeArm $Arm
}

Describe 'Test-AksClusterConfiguration' {
    BeforeAll { Reset-FakeArm }

    It 'audits the example documents offline' {
        $results = Test-AksClusterConfiguration -Path (Join-Path $ExamplesDirectory '*.json')
        $results.Count | Should -Be 5
        $open = $results | Where-Object ClusterName -eq 'dev-open'
        $open.Findings.CheckId | Should -Be @('AKS-CFG-001', 'AKS-CFG-002', 'AKS-CFG-003', 'AKS-CFG-004', 'AKS-CFG-005', 'AKS-CFG-007', 'AKS-CFG-008', 'AKS-CFG-009',
            'AKS-CFG-013', 'AKS-CFG-017', 'AKS-CFG-012', 'AKS-CFG-014')
        $open.ChecksRun.Count | Should -Be 17
        ($results | Where-Object ClusterName -eq 'test-wide').Findings.CheckId | Should -Contain 'AKS-CFG-015'
        ($results | Where-Object ClusterName -eq 'test-wide').Findings.CheckId | Should -Contain 'AKS-CFG-006'
        ($open.Findings | Where-Object CheckId -eq 'AKS-CFG-001').Remediation | Should -BeLike 'Enable-AksWorkloadIdentity -Id *'
    }

    It 'tests a live cluster, by name and from Get-AksCluster without a second read' {
        (Test-AksClusterConfiguration -ResourceGroupName rg1 -Name clustername1).Findings.CheckId | Should -Contain 'AKS-CFG-004'
        Clear-FakeArmRequest
        (Get-AksCluster -ResourceGroupName rg2 -Name restricted1 | Test-AksClusterConfiguration).ClusterName | Should -Be 'restricted1'
        @(Get-FakeArmRequest -Method GET -PathContains '/managedClusters/restricted1').Count | Should -Be 1
    }
}

Describe 'Enable-AksWorkloadIdentity' {
    BeforeEach { Reset-FakeArm }

    It 'asks by default, because the OIDC issuer cannot be turned off again' {
        $attribute = (Get-Command Enable-AksWorkloadIdentity).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attribute.ConfirmImpact | Should -Be 'High'
    }

    It '-WhatIf shows both fields; the change goes with If-Match; a second run sends nothing' {
        Clear-FakeArmRequest
        $text = Get-HostOutput { Enable-AksWorkloadIdentity -Id $OpenId -WhatIf }
        $text | Should -Match ([regex]::Escape('properties.oidcIssuerProfile.enabled: (absent) -> true'))
        $text | Should -Match ([regex]::Escape('properties.securityProfile.workloadIdentity.enabled: (absent) -> true'))
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0

        Enable-AksWorkloadIdentity -Id $OpenId -Confirm:$false
        $put = @(Get-FakeArmRequest -Method PUT)
        $put.Count | Should -Be 1
        $put[0].headers.'If-Match' | Should -Not -BeNullOrEmpty
        (Get-FakeArmCluster -Id $OpenId).properties.oidcIssuerProfile.enabled | Should -BeTrue

        Clear-FakeArmRequest
        (Get-HostOutput { Enable-AksWorkloadIdentity -Id $OpenId -Confirm:$false }) | Should -Match 'no change'
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0
        (Test-AksClusterConfiguration -Id $OpenId).Findings.CheckId | Should -Not -Contain 'AKS-CFG-001'
    }
}

Describe 'Enable-AksImageCleaner' {
    BeforeEach { Reset-FakeArm }

    It 'refuses intervals outside one day to three months before sending anything' {
        Clear-FakeArmRequest
        $err = $null
        try { Enable-AksImageCleaner -Id $OpenId -IntervalHours 12 -Confirm:$false } catch { $err = $_ }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match '24 \(one day\) to 2160 \(three months\)'
        { Enable-AksImageCleaner -Id $OpenId -IntervalHours 2161 -Confirm:$false } | Should -Throw -ErrorId 'InvalidArgument*'
        @(Get-FakeArmRequest).Count | Should -Be 0
    }

    It 'enables it weekly by default and keeps a change someone made meanwhile' {
        Add-FakeArmFault -Method GET -PathContains '/managedClusters/clustername1' -Action ConcurrentWrite -JsonPath 'tags.owner' -Value 'platform-team' -Times 1
        Enable-AksImageCleaner -Id $OpenId -Confirm:$false -WarningAction SilentlyContinue
        $final = Get-FakeArmCluster -Id $OpenId
        $final.properties.securityProfile.imageCleaner.enabled | Should -BeTrue
        $final.properties.securityProfile.imageCleaner.intervalHours | Should -Be 168
        $final.tags.owner | Should -Be 'platform-team'
        (Get-FakeArmRequest -Method PUT).status | Should -Be @(412, 200)
    }
}

Describe 'Set-AksNodeResourceGroupRestriction' {
    BeforeEach { Reset-FakeArm }

    It 'locks the node resource group with a warning, and Unrestricted where it is absent is no change' {
        Set-AksNodeResourceGroupRestriction -Id $OpenId -RestrictionLevel ReadOnly -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings | Should -Match 'must go through AKS'
        (Get-FakeArmCluster -Id $OpenId).properties.nodeResourceGroupProfile.restrictionLevel | Should -Be 'ReadOnly'

        Clear-FakeArmRequest
        Set-AksNodeResourceGroupRestriction -ResourceGroupName rg2 -Name restricted1 -RestrictionLevel Unrestricted -Confirm:$false
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0
    }

    It 'refuses an unknown level' {
        { Set-AksNodeResourceGroupRestriction -Id $OpenId -RestrictionLevel Locked -Confirm:$false } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }
}

Describe 'Disable-AksLegacyAddon' {
    BeforeEach { Reset-FakeArm }

    It '-WhatIf shows the add-ons that are on, with the routing warning' {
        Set-Addon @{ KubeDashboard = @{ enabled = $true }; httpApplicationRouting = @{ enabled = $true; config = @{ HTTPApplicationRoutingZoneName = 'abc.location1.aksapp.io' } } }
        Clear-FakeArmRequest
        $text = Get-HostOutput { Disable-AksLegacyAddon -Id $OpenId -WhatIf }
        $text | Should -Match ([regex]::Escape('properties.addonProfiles.kubeDashboard.enabled: true -> false'))
        $text | Should -Match ([regex]::Escape('properties.addonProfiles.httpApplicationRouting.enabled: true -> false'))
        $text | Should -Match 'webAppRouting'
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0
    }

    It 'turns off only the add-on asked for, keeping its key and config, and a second run sends nothing' {
        Set-Addon @{ KubeDashboard = @{ enabled = $true }; httpApplicationRouting = @{ enabled = $true; config = @{ HTTPApplicationRoutingZoneName = 'abc.location1.aksapp.io' } } }
        Get-AksCluster -ResourceGroupName rg1 -Name clustername1 | Disable-AksLegacyAddon -Addon kubeDashboard -Confirm:$false
        $addons = (Get-FakeArmCluster -Id $OpenId).properties.addonProfiles
        $addons.KubeDashboard.enabled | Should -BeFalse
        $addons.httpApplicationRouting.enabled | Should -BeTrue
        $addons.httpApplicationRouting.config.HTTPApplicationRoutingZoneName | Should -Be 'abc.location1.aksapp.io'

        Clear-FakeArmRequest
        Disable-AksLegacyAddon -Id $OpenId -Addon kubeDashboard -Confirm:$false
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0
        (Test-AksClusterConfiguration -Id $OpenId).Findings.CheckId | Should -Be @('AKS-CFG-001', 'AKS-CFG-002', 'AKS-CFG-003', 'AKS-CFG-004', 'AKS-CFG-005', 'AKS-CFG-007', 'AKS-CFG-008', 'AKS-CFG-009',
            'AKS-CFG-013', 'AKS-CFG-017', 'AKS-CFG-011', 'AKS-CFG-012', 'AKS-CFG-014')
    }

    It 'completes the two add-on names and refuses others' {
        $line = 'Disable-AksLegacyAddon -Addon '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('httpApplicationRouting', 'kubeDashboard')
        { Disable-AksLegacyAddon -Id $OpenId -Addon omsagent -Confirm:$false } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }
}
