BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:Arm = Start-FakeArm
    Connect-FakeArm | Out-Null
    $script:OpenId = Get-ClusterId rg1 clustername1
    # Seeded by the fake ARM (tests/AksSecurity.TestServers/README.md, "Seed").
    $script:Law = "/subscriptions/$Sub0/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/law-security"
    $script:SettingId = "$OpenId/providers/Microsoft.Insights/diagnosticSettings/aks-security-audit"
}

AfterAll {
    Disconnect-AksSecurity
    Stop-FakeArm $Arm
}

Describe 'Test-AksMonitoring offline' {
    BeforeEach { Clear-FakeArmRequest }

    It 'runs only the document checks on -Path' {
        $result = Test-AksMonitoring -Path (Join-Path $ExamplesDirectory 'dev-open.json')
        $result | Should -BeOfType ([AksSecurity.ClusterTestResult])
        $result.ChecksRun | Should -Be @('AKS-MON-001', 'AKS-MON-006')
        $result.Findings.CheckId | Should -Be @('AKS-MON-001', 'AKS-MON-006')
        $result.Findings[0].Remediation | Should -BeLike 'Enable-AksMonitoring -Id *'
        @(Get-FakeArmRequest).Count | Should -Be 0
    }

    It 'passes a monitored document read from az-style JSON with other key spellings' {
        $doc = Get-Content -Raw (Join-Path $ExamplesDirectory 'dev-open.json') | ConvertFrom-Json -AsHashtable
        $doc.properties.addonProfiles = @{ omsAgent = @{ enabled = $true; config = @{ logAnalyticsWorkspaceResourceId = $Law; useAADAuth = 'true' } } }
        $doc.properties.azureMonitorProfile = @{ metrics = @{ enabled = $true } }
        $file = Join-Path $TestDrive 'monitored.json'
        $doc | ConvertTo-Json -Depth 20 | Set-Content $file
        $result = Test-AksMonitoring -LiteralPath $file
        $result.Passed | Should -BeTrue
        $result.ChecksRun | Should -Not -Contain 'AKS-MON-002'
    }
}

Describe 'Enable-AksMonitoring' {
    BeforeEach { Reset-FakeArm; Clear-FakeArmRequest }

    It '-WhatIf shows the exact cluster fields and the diagnostic setting, and writes nothing' {
        $text = Get-HostOutput { Enable-AksMonitoring -Id $OpenId -WorkspaceResourceId $Law -EnablePrometheusMetrics -WhatIf }
        $text | Should -Match ([regex]::Escape('properties.addonProfiles.omsagent.enabled: (absent) -> true'))
        $text | Should -Match ([regex]::Escape("properties.addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID: (absent) -> `"$Law`""))
        $text | Should -Match ([regex]::Escape('properties.addonProfiles.omsagent.config.useAADAuth: (absent) -> "true"'))
        $text | Should -Match ([regex]::Escape('properties.azureMonitorProfile.metrics.enabled: (absent) -> true'))
        $text | Should -Match ([regex]::Escape("Create diagnostic setting 'aks-security-audit': $SettingId"))
        $text | Should -Match ([regex]::Escape("properties.workspaceId: (absent) -> `"$Law`""))
        $text | Should -Match ([regex]::Escape('properties.logAnalyticsDestinationType: (absent) -> "Dedicated"'))
        $text | Should -Match ([regex]::Escape('properties.logs: (absent) -> [{"category":"kube-audit-admin","enabled":true},{"category":"guard","enabled":true}]'))
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0
    }

    It 'applies with If-Match, writes the setting, and a second run sends nothing and says so' {
        $cluster = Enable-AksMonitoring -Id $OpenId -WorkspaceResourceId $Law -PassThru -Confirm:$false
        $cluster | Should -BeOfType ([AksSecurity.AksCluster])
        $cluster.EnabledAddons | Should -Contain 'omsagent'
        $clusterPut = @(Get-FakeArmRequest -Method PUT -PathContains '/managedClusters/clustername1') | Where-Object path -NotLike '*diagnosticSettings*'
        $clusterPut.Count | Should -Be 1
        $clusterPut[0].headers.'If-Match' | Should -Not -BeNullOrEmpty
        $setting = Get-FakeArmResource $SettingId
        $setting.properties.logs.category | Should -Be @('kube-audit-admin', 'guard')
        $setting.properties.workspaceId | Should -Be $Law

        Clear-FakeArmRequest
        $text = Get-HostOutput { Enable-AksMonitoring -Id $OpenId -WorkspaceResourceId $Law -Confirm:$false }
        $text | Should -Match "Cluster 'clustername1': no change"
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0
        (Test-AksMonitoring -Id $OpenId).Findings.CheckId | Should -Be @('AKS-MON-006')
    }

    It 'updates an existing setting with fewer categories and shows exactly the logs field' {
        Set-FakeArmResource $SettingId @{ properties = @{ workspaceId = $Law; logAnalyticsDestinationType = 'Dedicated'; logs = @([ordered]@{ category = 'kube-audit-admin'; enabled = $true }) } } | Out-Null
        $text = Get-HostOutput { Enable-AksMonitoring -Id $OpenId -WorkspaceResourceId $Law -SkipContainerInsights -WhatIf }
        $text | Should -Match ([regex]::Escape("Update diagnostic setting 'aks-security-audit'"))
        $text | Should -Match ([regex]::Escape('properties.logs: [{"category":"kube-audit-admin","enabled":true}] -> [{"category":"kube-audit-admin","enabled":true},{"category":"guard","enabled":true}]'))
        $text | Should -Not -Match 'properties.workspaceId'

        Enable-AksMonitoring -Id $OpenId -WorkspaceResourceId $Law -SkipContainerInsights -Confirm:$false
        (Get-FakeArmResource $SettingId).properties.logs.category | Should -Be @('kube-audit-admin', 'guard')
        @(Get-FakeArmRequest -Method PUT -PathContains '/managedClusters/clustername1') | Where-Object path -NotLike '*diagnosticSettings*' | Should -BeNullOrEmpty
    }

    It 'refuses a malformed workspace id with InvalidArgument before sending anything' {
        $err = $null
        try { Enable-AksMonitoring -Id $OpenId -WorkspaceResourceId "/subscriptions/$Sub0/resourceGroups/rg-monitor/workspaces/law-security" -Confirm:$false } catch { $err = $_ }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $err.Exception.Message | Should -Match 'is not a Log Analytics workspace resource id'
        @(Get-FakeArmRequest).Count | Should -Be 0
    }

    It 'refuses an unknown log category with InvalidArgument before sending anything' {
        { Enable-AksMonitoring -Id $OpenId -WorkspaceResourceId $Law -AdditionalLogCategory 'AllMetrics' -Confirm:$false } | Should -Throw -ErrorId 'InvalidArgument*'
        @(Get-FakeArmRequest).Count | Should -Be 0
    }

    It 'reports a workspace that does not exist as ObjectNotFound and writes nothing' {
        $err = $null
        $missing = "/subscriptions/$Sub0/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/law-missing"
        Enable-AksMonitoring -Id $OpenId -WorkspaceResourceId $missing -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -Match "workspace 'law-missing' was not found"
        $err[0].TargetObject | Should -Be $missing
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0
    }

    It 'reads the workspace once for a pipeline of clusters' {
        Get-AksCluster -SubscriptionId $Sub0 | Enable-AksMonitoring -WorkspaceResourceId $Law -WhatIf
        @(Get-FakeArmRequest -Method GET -PathContains '/workspaces/law-security').Count | Should -Be 1
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0
    }

    It 'keeps a change someone made between our read and our write' {
        Add-FakeArmFault -Method GET -PathContains '/managedClusters/clustername1' -Action ConcurrentWrite -JsonPath 'tags.owner' -Value 'platform-team' -Times 1
        Enable-AksMonitoring -Id $OpenId -WorkspaceResourceId $Law -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        $final = Get-FakeArmCluster -Id $OpenId
        $final.tags.owner | Should -Be 'platform-team'
        $final.properties.addonProfiles.omsagent.enabled | Should -BeTrue
        (Get-FakeArmRequest -Method PUT -PathContains '/managedClusters/clustername1' | Where-Object path -NotLike '*diagnosticSettings*').status | Should -Be @(412, 200)
        $warnings | Should -Match 'changed by someone else'
    }
}

Describe 'Test-AksMonitoring live' {
    BeforeEach { Reset-FakeArm; Clear-FakeArmRequest }

    It 'reads the diagnostic settings beside the cluster' {
        $result = Test-AksMonitoring -ResourceGroupName rg1 -Name clustername1
        $result.Findings.CheckId | Should -Be @('AKS-MON-001', 'AKS-MON-002', 'AKS-MON-006')
        @(Get-FakeArmRequest -Method GET -PathContains '/providers/Microsoft.Insights/diagnosticSettings').Count | Should -Be 1
    }

    It 'reports kube-audit as a cost finding and a missing guard log' {
        Set-FakeArmResource "$OpenId/providers/Microsoft.Insights/diagnosticSettings/full" @{ properties = @{ workspaceId = $Law; logs = @(@{ category = 'kube-audit'; enabled = $true }) } } | Out-Null
        $findings = (Get-AksCluster -Id $OpenId | Test-AksMonitoring).Findings
        $findings.CheckId | Should -Be @('AKS-MON-001', 'AKS-MON-004', 'AKS-MON-005', 'AKS-MON-006')
        ($findings | Where-Object CheckId -eq 'AKS-MON-005').Severity | Should -Be 'Low'
        ($findings | Where-Object CheckId -eq 'AKS-MON-005').Evidence | Should -Match "diagnostic setting 'full' sends kube-audit"
    }
}
