BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:Arm = Start-FakeArm
    Connect-FakeArm | Out-Null
    $script:OpenId = Get-ClusterId rg1 clustername1
    $script:Sub1Id = Get-ClusterId rg3 runcmd1 $Sub1
    # Seeded by the fake ARM: this workspace; the Containers plan is Standard in subscription 0 and Free in subscription 1.
    $script:Law = "/subscriptions/$Sub0/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/law-security"
}

AfterAll {
    Disconnect-AksSecurity
    Stop-FakeArm $Arm
}

Describe 'Test-AksDefender' {
    BeforeEach { Reset-FakeArm; Clear-FakeArmRequest }

    It 'checks only the sensor offline' {
        $result = Test-AksDefender -Path (Join-Path $ExamplesDirectory 'dev-open.json')
        $result.ChecksRun | Should -Be @('AKS-DEF-001')
        $result.Findings.CheckId | Should -Be @('AKS-DEF-001')
        @(Get-FakeArmRequest).Count | Should -Be 0
    }

    It 'reports a paid plan without a sensor, reading each subscription''s plan once' {
        $results = Get-AksCluster -SubscriptionId $Sub0 | Test-AksDefender
        $results.Count | Should -Be 3
        foreach ($result in $results) { $result.Findings.CheckId | Should -Be @('AKS-DEF-001', 'AKS-DEF-003') }
        @(Get-FakeArmRequest -Method GET -PathContains '/providers/Microsoft.Security/pricings/Containers').Count | Should -Be 1
    }

    It 'checks a cluster of a subscription whose plan is off' {
        (Test-AksDefender -Id $Sub1Id).Findings.CheckId | Should -Be @('AKS-DEF-001')
    }
}

Describe 'Enable-AksDefender' {
    BeforeEach { Reset-FakeArm; Clear-FakeArmRequest }

    It '-WhatIf shows the exact fields and writes nothing' {
        $text = Get-HostOutput { Enable-AksDefender -ResourceGroupName rg1 -Name clustername1 -WorkspaceResourceId $Law -WhatIf }
        $text | Should -Match ([regex]::Escape('properties.securityProfile.defender.securityMonitoring.enabled: (absent) -> true'))
        $text | Should -Match ([regex]::Escape("properties.securityProfile.defender.logAnalyticsWorkspaceResourceId: (absent) -> `"$Law`""))
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0
    }

    It 'enables the sensor with If-Match, and a second run sends nothing' {
        Enable-AksDefender -Id $OpenId -WorkspaceResourceId $Law -Confirm:$false -WarningVariable warnings
        $warnings | Should -BeNullOrEmpty
        $put = @(Get-FakeArmRequest -Method PUT)
        $put.Count | Should -Be 1
        $put[0].headers.'If-Match' | Should -Not -BeNullOrEmpty
        (Get-FakeArmCluster -Id $OpenId).properties.securityProfile.defender.securityMonitoring.enabled | Should -BeTrue
        (Test-AksDefender -Id $OpenId).Passed | Should -BeTrue

        Clear-FakeArmRequest
        $text = Get-HostOutput { Enable-AksDefender -Id $OpenId -WorkspaceResourceId $Law.ToLowerInvariant() -Confirm:$false }
        $text | Should -Match "Cluster 'clustername1': no change"
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0
    }

    It 'warns about a plan that is off and never changes it' {
        Enable-AksDefender -Id $Sub1Id -WorkspaceResourceId $Law -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings | Should -Match "subscription $Sub1 is off \(pricingTier Free\)"
        $warnings | Should -Match 'az security pricing create --name Containers --tier Standard'
        @(Get-FakeArmRequest -Method PUT -PathContains 'Microsoft.Security').Count | Should -Be 0
        (Get-FakeArmResource "/subscriptions/$Sub1/providers/Microsoft.Security/pricings/Containers").properties.pricingTier | Should -Be 'Free'
        (Test-AksDefender -Id $Sub1Id).Findings.CheckId | Should -Be @('AKS-DEF-002')
    }

    It 'refuses a malformed workspace id with InvalidArgument before sending anything' {
        { Enable-AksDefender -Id $OpenId -WorkspaceResourceId 'law-security' -Confirm:$false } | Should -Throw -ErrorId 'InvalidArgument*'
        @(Get-FakeArmRequest).Count | Should -Be 0
    }

    It 'reports a workspace that does not exist as ObjectNotFound and writes nothing' {
        $err = $null
        Enable-AksDefender -Id $OpenId -WorkspaceResourceId "/subscriptions/$Sub0/resourceGroups/rg-nothing/providers/Microsoft.OperationalInsights/workspaces/law-security" -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0
    }
}
