BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:Arm = Start-FakeArm
    Connect-FakeArm | Out-Null
    $script:OpenId = Get-ClusterId rg1 clustername1
}

AfterAll {
    Disconnect-AksSecurity
    Stop-FakeArm $Arm
}

Describe 'Test-AksApiAccess offline' {
    It 'audits every example document' {
        $results = Test-AksApiAccess -Path (Join-Path $ExamplesDirectory '*.json')
        $results.Count | Should -Be 5
        # Its ranges are tight; only the public endpoint itself is reported (AKS-API-007, Low).
        ($results | Where-Object ClusterName -eq 'prod-restricted').Findings.CheckId | Should -Be 'AKS-API-007'
        ($results | Where-Object ClusterName -eq 'test-wide').Findings.CheckId | Should -Contain 'AKS-API-002'
        ($results | Where-Object ClusterName -eq 'prod-private').Findings.CheckId | Should -Not -Contain 'AKS-API-001'
        $results[0].Source | Should -BeLike (Join-Path $ExamplesDirectory '*.json*')
    }

    It 'answers a bad file with an InvalidData error and still audits the others' {
        $bad = Join-Path $TestDrive 'broken.json'
        Set-Content $bad '{"properties": '
        $notAks = Join-Path $TestDrive 'storage.json'
        Set-Content $notAks '{"type": "Microsoft.Storage/storageAccounts", "properties": {}}'
        $err = $null
        $results = Test-AksApiAccess -Path $bad, (Join-Path $ExamplesDirectory 'dev-open.json'), $notAks -ErrorVariable err -ErrorAction SilentlyContinue
        $results.ClusterName | Should -Be 'dev-open'
        $err.Count | Should -Be 2
        $err.CategoryInfo.Category | Select-Object -Unique | Should -Be 'InvalidData'
        $err[0].TargetObject | Should -Be $bad
        $err[1].Exception.Message | Should -Match 'not a managed cluster'
    }

    It 'reports a path that matches nothing as ObjectNotFound' {
        $err = $null
        Test-AksApiAccess -Path (Join-Path $TestDrive 'nothing-*.json') -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'takes files from Get-ChildItem and a path by position' {
        (Get-ChildItem $ExamplesDirectory -Filter 'dev-*.json' | Test-AksApiAccess).ClusterName | Should -Be 'dev-open'
        (Test-AksApiAccess (Join-Path $ExamplesDirectory 'prod-*.json')).ClusterName | Should -Be @('prod-private', 'prod-restricted')
    }

    It 'audits every good entry of a list file that has a bad one' {
        $good = Get-Content -Raw (Join-Path $ExamplesDirectory 'dev-open.json')
        $mixed = Join-Path $TestDrive 'mixed.json'
        Set-Content $mixed "[$good, {`"type`": `"Microsoft.Web/sites`"}]"
        $err = $null
        (Test-AksApiAccess -LiteralPath $mixed -ErrorVariable err -ErrorAction SilentlyContinue).ClusterName | Should -Be 'dev-open'
        $err.Count | Should -Be 1
        $err[0].TargetObject | Should -Be "$mixed[1]"
    }

    It 'lets the caller choose the prefix threshold' {
        $wide = Join-Path $ExamplesDirectory 'test-wide.json'
        (Test-AksApiAccess -Path $wide).Findings.CheckId | Should -Contain 'AKS-API-003'
        (Test-AksApiAccess -Path $wide -MinimumPrefixLength 16).Findings.CheckId | Should -Not -Contain 'AKS-API-003'
    }

    It 'shows a result table at a glance' {
        $text = Test-AksApiAccess -Path (Join-Path $ExamplesDirectory 'test-wide.json') | Format-Table | Out-String -Width 250
        $text | Should -Match 'test-wide\s+False\s+Critical\s+AKS-API-002 Critical'
    }
}

Describe 'Test-AksApiAccess live' {
    BeforeAll { Reset-FakeArm }

    It 'tests a cluster by name, by id, from Get-AksCluster and from Az.Aks-shaped objects' {
        (Test-AksApiAccess -ResourceGroupName rg1 -Name clustername1).Findings.CheckId | Should -Contain 'AKS-API-001'
        (Test-AksApiAccess -Id $OpenId).ClusterId | Should -Be $OpenId
        (Get-AksCluster | Test-AksApiAccess).ClusterName | Should -Be @('clustername1', 'private1', 'restricted1')
        $azAks = [pscustomobject]@{ Name = 'restricted1'; ResourceGroupName = 'rg2'; Id = Get-ClusterId rg2 restricted1; Location = 'location1' }
        $fromAz = $azAks | Test-AksApiAccess
        $fromAz.ClusterName | Should -Be 'restricted1'
        $fromAz.Findings.CheckId | Should -Be @('AKS-API-006', 'AKS-API-007')
    }

    It 'reports an unknown cluster and goes on with the others' {
        $err = $null
        $items = @([pscustomobject]@{ Id = Get-ClusterId rg1 ghost }, [pscustomobject]@{ Id = Get-ClusterId rg1 private1 })
        $results = $items | Test-AksApiAccess -ErrorVariable err -ErrorAction SilentlyContinue
        $results.ClusterName | Should -Be 'private1'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be (Get-ClusterId rg1 ghost)
    }
}

Describe 'Set-AksApiAccess' {
    BeforeEach { Reset-FakeArm }

    It '-WhatIf shows the exact field change and sends nothing' {
        Clear-FakeArmRequest
        $text = Get-HostOutput { Set-AksApiAccess -ResourceGroupName rg1 -Name clustername1 -AuthorizedIpRange 203.0.113.0/24 -CallerIpAddress 203.0.113.9 -DisableRunCommand -WhatIf }
        $text | Should -Match ([regex]::Escape('properties.apiServerAccessProfile.authorizedIPRanges: (absent) -> ["203.0.113.0/24"]'))
        $text | Should -Match ([regex]::Escape('properties.apiServerAccessProfile.disableRunCommand: (absent) -> true'))
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0
    }

    It 'applies the change with If-Match, and a second run changes nothing and says so' {
        $cluster = Set-AksApiAccess -Id $OpenId -AuthorizedIpRange 203.0.113.0/24, 198.51.100.17 -CallerIpAddress 198.51.100.17 -DisableRunCommand -PassThru -Confirm:$false
        $cluster | Should -BeOfType ([AksSecurity.AksCluster])
        $cluster.AuthorizedIpRanges | Should -Be @('203.0.113.0/24', '198.51.100.17/32')
        $cluster.RunCommandDisabled | Should -BeTrue
        $put = @(Get-FakeArmRequest -Method PUT)
        $put.Count | Should -Be 1
        $put[0].headers.'If-Match' | Should -Not -BeNullOrEmpty

        Clear-FakeArmRequest
        $text = Get-HostOutput { Set-AksApiAccess -Id $OpenId -AuthorizedIpRange 203.0.113.0/24, 198.51.100.17/32 -CallerIpAddress 198.51.100.17 -DisableRunCommand -Confirm:$false }
        $text | Should -Match 'no change'
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0
        (Test-AksApiAccess -Id $OpenId).Findings.CheckId | Should -Not -Contain 'AKS-API-001'
    }

    It 'adds and removes ranges, taking clusters from the pipeline' {
        Get-AksCluster -ResourceGroupName rg2 -Name restricted1 | Set-AksApiAccess -Add 198.51.100.0/24 -Remove 52.3.4.5/32 -CallerIpAddress 198.51.100.1 -Confirm:$false
        (Get-AksCluster -ResourceGroupName rg2 -Name restricted1).AuthorizedIpRanges | Should -Be @('20.10.0.0/24', '198.51.100.0/24')
    }

    It 'refuses invalid ranges before sending anything' {
        Clear-FakeArmRequest
        { Set-AksApiAccess -Id $OpenId -AuthorizedIpRange 10.0.0.1/24, 999.1.1.1/8 -Confirm:$false } | Should -Throw -ErrorId 'InvalidArgument*'
        $err = $null
        try { Set-AksApiAccess -Id $OpenId -AuthorizedIpRange 10.0.0.1/24 -Confirm:$false } catch { $err = $_ }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match 'host bits.*10\.0\.0\.0/24'
        @(Get-FakeArmRequest).Count | Should -Be 0
    }

    It 'refuses an empty range list without -ClearAuthorizedIpRange' {
        { Set-AksApiAccess -Id $OpenId -AuthorizedIpRange @() -Confirm:$false } | Should -Throw '*-ClearAuthorizedIpRange*'
    }

    It 'refuses to lock the caller out unless -Force' {
        Clear-FakeArmRequest
        $err = $null
        Set-AksApiAccess -Id $OpenId -AuthorizedIpRange 203.0.113.0/24 -CallerIpAddress 198.51.100.17 -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'SecurityError'
        $err[0].Exception.Message | Should -Match 'do not include your address 198\.51\.100\.17'
        @(Get-FakeArmRequest -Method PUT).Count | Should -Be 0

        Set-AksApiAccess -Id $OpenId -AuthorizedIpRange 203.0.113.0/24 -CallerIpAddress 198.51.100.17 -Force -Confirm:$false
        (Get-AksCluster -Id $OpenId).AuthorizedIpRanges | Should -Be '203.0.113.0/24'
    }

    It 'takes the caller address from AKSSECURITY_CALLER_IP' {
        $env:AKSSECURITY_CALLER_IP = '198.51.100.17'
        try {
            $err = $null
            Set-AksApiAccess -Id $OpenId -AuthorizedIpRange 203.0.113.0/24 -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].CategoryInfo.Category | Should -Be 'SecurityError'
        }
        finally { Remove-Item Env:AKSSECURITY_CALLER_IP }
    }

    It 'keeps a change someone made between our read and our write' {
        Add-FakeArmFault -Method GET -PathContains '/managedClusters/clustername1' -Action ConcurrentWrite -JsonPath 'tags.owner' -Value 'platform-team' -Times 1
        Set-AksApiAccess -Id $OpenId -DisableRunCommand -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        $final = (Get-FakeArmCluster -Id $OpenId)
        $final.tags.owner | Should -Be 'platform-team'
        $final.properties.apiServerAccessProfile.disableRunCommand | Should -BeTrue
        (Get-FakeArmRequest -Method PUT).status | Should -Be @(412, 200)
        $warnings | Should -Match 'changed by someone else'
    }

    It 'refuses authorized ranges on a private cluster and the public FQDN switch on a public one' {
        $err = $null
        Set-AksApiAccess -ResourceGroupName rg1 -Name private1 -Add 203.0.113.0/24 -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -Match 'private cluster'
        Set-AksApiAccess -Id $OpenId -DisablePublicFqdn -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -Match 'not a private cluster'
        Set-AksApiAccess -ResourceGroupName rg1 -Name private1 -DisablePublicFqdn -Confirm:$false
        (Get-AksCluster -ResourceGroupName rg1 -Name private1).PrivateClusterPublicFqdn | Should -BeFalse
    }

    It 'refuses a call with nothing to change, and contradictory switches' {
        { Set-AksApiAccess -Id $OpenId -Confirm:$false } | Should -Throw '*Nothing to change*'
        { Set-AksApiAccess -Id $OpenId -EnableRunCommand -DisableRunCommand -Confirm:$false } | Should -Throw -ErrorId 'InvalidArgument*'
    }

    It 'surfaces a failed operation as an error with the service''s reason' {
        Set-FakeArmOption @{ lroFinalStatus = 'Failed' }
        $err = $null
        Set-AksApiAccess -Id $OpenId -DisableRunCommand -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -Match 'ended Failed'
    }

    It 'retries ARM throttling that says when to come back' {
        Add-FakeArmFault -Method PUT -Action Status -Status 429 -ErrorCode 'TooManyRequests' -Message 'Throttled' -RetryAfterSeconds 1 -Times 1
        Set-AksApiAccess -Id $OpenId -DisableRunCommand -Confirm:$false
        (Get-FakeArmRequest -Method PUT).status | Should -Be @(429, 200)
    }
}
