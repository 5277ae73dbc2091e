BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:Arm = Start-FakeArm
    Connect-FakeArm | Out-Null
    $script:OpenId = Get-ClusterId rg1 clustername1
    $script:AutoUpgradeId = "$OpenId/maintenanceConfigurations/aksManagedAutoUpgradeSchedule"
    $script:NodeOSId = "$OpenId/maintenanceConfigurations/aksManagedNodeOSUpgradeSchedule"
}

AfterAll {
    Disconnect-AksSecurity
    Stop-FakeArm $Arm
}

Describe 'Test-AksUpgradePolicy offline' {
    It 'runs the document checks on every example and never guesses the ones that need Azure' {
        $results = Test-AksUpgradePolicy -Path (Join-Path $ExamplesDirectory '*.json')
        $results.Count | Should -Be 5
        foreach ($result in $results) {
            $result.Findings.CheckId | Should -Contain 'AKS-UPG-001'
            $result.ChecksRun | Should -Be @('AKS-UPG-001', 'AKS-UPG-002', 'AKS-UPG-005')
        }
        ($results[0].Findings | Where-Object CheckId -eq 'AKS-UPG-001').Remediation | Should -BeLike 'Set-AksUpgradePolicy -Id ''/subscriptions/*'' -UpgradeChannel patch*'
    }

    It 'reports Unmanaged node OS updates with Kured in the evidence' {
        $doc = Get-Content -Raw (Join-Path $ExamplesDirectory 'dev-open.json') | ConvertFrom-Json -AsHashtable
        $doc.properties.autoUpgradeProfile = @{ upgradeChannel = 'stable'; nodeOSUpgradeChannel = 'Unmanaged' }
        $file = Join-Path $TestDrive 'unmanaged.json'
        $doc | ConvertTo-Json -Depth 20 | Set-Content $file
        $findings = @((Test-AksUpgradePolicy -LiteralPath $file).Findings)
        $findings.Count | Should -Be 1
        $finding = $findings[0]
        $finding.CheckId | Should -Be 'AKS-UPG-002'
        $finding.Evidence | Should -Match 'Kured'
    }
}

Describe 'Test-AksUpgradePolicy live' {
    BeforeAll { Reset-FakeArm }

    It 'reads the maintenance configurations and the region''s supported versions' {
        Clear-FakeArmRequest
        $result = Test-AksUpgradePolicy -ResourceGroupName rg1 -Name clustername1
        $result.Findings.CheckId | Should -Be @('AKS-UPG-001', 'AKS-UPG-003', 'AKS-UPG-004', 'AKS-UPG-004')
        $result.ChecksRun | Should -Contain 'AKS-UPG-003'
        $old = $result.Findings | Where-Object CheckId -eq 'AKS-UPG-004' | Select-Object -First 1
        $old.Severity | Should -Be 'High'
        $old.Evidence | Should -Match 'properties\.currentKubernetesVersion is 1\.9\.6; the oldest version location1 supports for the KubernetesOfficial plan is 1\.23'
        @(Get-FakeArmRequest -Method GET -PathContains '/locations/location1/kubernetesVersions').Count | Should -Be 1
        @(Get-FakeArmRequest -Method GET -PathContains '/clustername1/maintenanceConfigurations').Count | Should -Be 1
    }

    It 'tests clusters from Get-AksCluster, reading each region''s versions once' {
        Clear-FakeArmRequest
        $results = Get-AksCluster | Test-AksUpgradePolicy
        $results.ClusterName | Should -Be @('clustername1', 'private1', 'restricted1')
        @(Get-FakeArmRequest -Method GET -PathContains '/kubernetesVersions').Count | Should -Be 1
        $results | ForEach-Object { $_.ChecksRun | Should -Contain 'AKS-UPG-004' }
    }
}

Describe 'Set-AksUpgradePolicy' {
    BeforeEach { Reset-FakeArm }

    It '-WhatIf shows the cluster fields and the maintenance configurations and sends nothing' {
        Clear-FakeArmRequest
        $text = Get-HostOutput { Set-AksUpgradePolicy -Id $OpenId -UpgradeChannel patch -NodeOSUpgradeChannel SecurityPatch -MaintenanceDay Sunday -MaintenanceStartTime 01:00 -MaintenanceUtcOffset +01:00 -WhatIf }
        $text | Should -Match ([regex]::Escape('properties.autoUpgradeProfile.upgradeChannel: (absent) -> "patch"'))
        $text | Should -Match ([regex]::Escape('properties.autoUpgradeProfile.nodeOSUpgradeChannel: (absent) -> "SecurityPatch"'))
        $text | Should -Match ([regex]::Escape("Create maintenance configuration aksManagedAutoUpgradeSchedule: $AutoUpgradeId"))
        $text | Should -Match ([regex]::Escape("Create maintenance configuration aksManagedNodeOSUpgradeSchedule: $NodeOSId"))
        $text | Should -Match ([regex]::Escape('properties.maintenanceWindow.schedule.weekly.dayOfWeek: (absent) -> "Sunday"'))
        $text | Should -Match ([regex]::Escape('properties.maintenanceWindow.utcOffset: (absent) -> "+01:00"'))
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0
    }

    It 'applies the channels with If-Match and writes both windows; a second run sends nothing and says so' {
        $cluster = Set-AksUpgradePolicy -Id $OpenId -UpgradeChannel patch -NodeOSUpgradeChannel SecurityPatch -MaintenanceDay Sunday -MaintenanceStartTime 01:00 -MaintenanceDurationHours 6 -PassThru -Confirm:$false
        $cluster | Should -BeOfType ([AksSecurity.AksCluster])
        $puts = @(Get-FakeArmRequest -Method PUT)
        $puts.path | Should -Be @($OpenId, $AutoUpgradeId, $NodeOSId)
        $puts[0].headers.'If-Match' | Should -Not -BeNullOrEmpty
        (Get-FakeArmCluster -Id $OpenId).properties.autoUpgradeProfile.upgradeChannel | Should -Be 'patch'
        $window = (Get-FakeArmResource -Id $NodeOSId).properties.maintenanceWindow
        $window.schedule.weekly.dayOfWeek | Should -Be 'Sunday'
        $window.schedule.weekly.intervalWeeks | Should -Be 1
        $window.durationHours | Should -Be 6
        $window.startTime | Should -Be '01:00'
        $window.utcOffset | Should -Be '+00:00'

        Clear-FakeArmRequest
        $text = Get-HostOutput { Set-AksUpgradePolicy -Id $OpenId -UpgradeChannel PATCH -NodeOSUpgradeChannel SecurityPatch -MaintenanceDay Sunday -MaintenanceStartTime 01:00 -MaintenanceDurationHours 6 -Confirm:$false }
        $text | Should -Match 'no change'
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0

        $after = Test-AksUpgradePolicy -Id $OpenId
        $after.Findings.CheckId | Should -Not -Contain 'AKS-UPG-001'
        $after.Findings.CheckId | Should -Not -Contain 'AKS-UPG-003'
    }

    It 'writes only the schedule it is told to, keeping the blackout dates of an existing one' {
        Set-FakeArmResource -Id $AutoUpgradeId -Document @{ properties = @{ maintenanceWindow = @{
                    schedule = @{ daily = @{ intervalDays = 5 } }; durationHours = 10; startDate = '2023-01-01'; startTime = '13:30'; utcOffset = '-07:00'
                    notAllowedDates = @(@{ start = '2023-12-23'; end = '2024-01-05' })
                } } } | Out-Null
        Set-AksUpgradePolicy -Id $OpenId -MaintenanceSchedule AutoUpgrade -MaintenanceDay Saturday -MaintenanceStartTime 22:30 -MaintenanceIntervalWeeks 2 -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings | Should -Match 'no effect while the upgrade channel is none'
        (Get-FakeArmRequest -Method PUT).path | Should -Be @($AutoUpgradeId)
        $window = (Get-FakeArmResource -Id $AutoUpgradeId).properties.maintenanceWindow
        $window.schedule.PSObject.Properties.Name | Should -Be @('weekly')
        $window.schedule.weekly.intervalWeeks | Should -Be 2
        $window.notAllowedDates[0].start | Should -Be '2023-12-23'
        $window.startDate | Should -Be '2023-01-01'
    }

    It 'warns that Unmanaged nodes need Kured to reboot' {
        Set-AksUpgradePolicy -Id $OpenId -NodeOSUpgradeChannel Unmanaged -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings | Should -Match 'Kured'
        (Get-FakeArmCluster -Id $OpenId).properties.autoUpgradeProfile.nodeOSUpgradeChannel | Should -Be 'Unmanaged'
    }

    It 'refuses bad parameters before sending anything' {
        Clear-FakeArmRequest
        $err = $null
        try { Set-AksUpgradePolicy -Id $OpenId -MaintenanceDay Sunday -MaintenanceStartTime 25:00 -Confirm:$false } catch { $err = $_ }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match 'HH:mm'
        { Set-AksUpgradePolicy -Id $OpenId -MaintenanceDay Sunday -MaintenanceStartTime 01:00 -MaintenanceDurationHours 2 -Confirm:$false } | Should -Throw '*4 to 24 hours*'
        { Set-AksUpgradePolicy -Id $OpenId -MaintenanceDay Sunday -MaintenanceStartTime 01:00 -MaintenanceUtcOffset +15:00 -Confirm:$false } | Should -Throw '*-12:00 to +14:00*'
        { Set-AksUpgradePolicy -Id $OpenId -MaintenanceDay Sunday -Confirm:$false } | Should -Throw '*both -MaintenanceDay and -MaintenanceStartTime*'
        { Set-AksUpgradePolicy -Id $OpenId -MaintenanceDurationHours 6 -UpgradeChannel patch -Confirm:$false } | Should -Throw -ErrorId 'InvalidArgument*'
        { Set-AksUpgradePolicy -Id $OpenId -UpgradeChannel node-image -NodeOSUpgradeChannel SecurityPatch -Confirm:$false } | Should -Throw '*requires the node OS channel NodeImage*'
        { Set-AksUpgradePolicy -Id $OpenId -UpgradeChannel weekly -Confirm:$false } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        { Set-AksUpgradePolicy -Id $OpenId -Confirm:$false } | Should -Throw '*Nothing to change*'
        @(Get-FakeArmRequest).Count | Should -Be 0
    }

    It 'keeps a change someone made between our read and our write' {
        Add-FakeArmFault -Method GET -PathContains '/managedClusters/clustername1' -Action ConcurrentWrite -JsonPath 'tags.owner' -Value 'platform-team' -Times 1
        Set-AksUpgradePolicy -Id $OpenId -UpgradeChannel stable -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        $final = Get-FakeArmCluster -Id $OpenId
        $final.tags.owner | Should -Be 'platform-team'
        $final.properties.autoUpgradeProfile.upgradeChannel | Should -Be 'stable'
        (Get-FakeArmRequest -Method PUT).status | Should -Be @(412, 200)
        $warnings | Should -Match 'changed by someone else'
    }

    It 'reports a failed window write after the cluster change, and a re-run writes only what is missing' {
        Add-FakeArmFault -Method PUT -PathContains '/maintenanceConfigurations/' -Action Status -Status 403 -ErrorCode AuthorizationFailed -Message 'no write on maintenanceConfigurations' -Times 1
        $err = $null
        Set-AksUpgradePolicy -Id $OpenId -UpgradeChannel patch -MaintenanceSchedule NodeOSUpgrade -MaintenanceDay Sunday -MaintenanceStartTime 01:00 -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        (Get-FakeArmCluster -Id $OpenId).properties.autoUpgradeProfile.upgradeChannel | Should -Be 'patch'

        Clear-FakeArmRequest
        Set-AksUpgradePolicy -Id $OpenId -UpgradeChannel patch -MaintenanceSchedule NodeOSUpgrade -MaintenanceDay Sunday -MaintenanceStartTime 01:00 -Confirm:$false
        (Get-FakeArmRequest -Method PUT).path | Should -Be @($NodeOSId)
    }

    It 'completes the channel and schedule values' {
        $line = 'Set-AksUpgradePolicy -NodeOSUpgradeChannel '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('NodeImage', 'None', 'SecurityPatch', 'Unmanaged')
        $line = 'Set-AksUpgradePolicy -MaintenanceSchedule '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('AutoUpgrade', 'NodeOSUpgrade')
    }
}
