BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:Arm = Start-FakeArm
    Connect-FakeArm | Out-Null

    function Get-GraphRequest {
        Get-FakeArmRequest -Method POST -PathContains '/providers/Microsoft.ResourceGraph/resources' |
            Where-Object { $_.path -eq '/providers/Microsoft.ResourceGraph/resources' }
    }
}

AfterAll {
    Disconnect-AksSecurity
    Stop-FakeArm $Arm
}

Describe 'Get-AksCluster -All' {
    BeforeEach {
        Reset-FakeArm
    }

    It 'lists every cluster of every visible subscription through one Resource Graph query' {
        Clear-FakeArmRequest
        $output = @(Get-AksCluster -All -Verbose 4>&1)
        $clusters = @($output | Where-Object { $_ -is [AksSecurity.AksCluster] })

        ($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message |
            Should -Contain 'Querying Azure Resource Graph for the clusters of 2 subscription(s) in 1 request batch(es).'
        $clusters.Id | Should -Be @(
            (Get-ClusterId rg1 clustername1), (Get-ClusterId rg1 private1), (Get-ClusterId rg2 restricted1), (Get-ClusterId rg3 runcmd1 $Sub1))
        $clusters[0] | Should -BeOfType ([AksSecurity.AksCluster])
        $clusters[2].AuthorizedIpRanges | Should -Be @('20.10.0.0/24', '52.3.4.5/32')
        $requests = @(Get-GraphRequest)
        $requests.Count | Should -Be 1
        ($requests[0].body | ConvertFrom-Json).subscriptions | Sort-Object | Should -Be @($Sub0, $Sub1)
        @(Get-FakeArmRequest -Method GET -PathContains 'managedClusters').Count | Should -Be 0
    }

    It 'narrows to -SubscriptionId and reports a value that is not a GUID without losing the others' {
        Clear-FakeArmRequest
        $err = $null
        $clusters = @(Get-AksCluster -All -SubscriptionId $Sub1, 'not-a-guid' -ErrorVariable err -ErrorAction SilentlyContinue)

        $clusters.Name | Should -Be 'runcmd1'
        $err.Count | Should -Be 1
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].TargetObject | Should -Be 'not-a-guid'
        ((Get-GraphRequest).body | ConvertFrom-Json).subscriptions | Should -Be @($Sub1)
        @(Get-FakeArmRequest -Method GET -PathContains '/subscriptions').Count | Should -Be 0
    }

    It 'pages through a fleet of 60 subscriptions and writes clusters before the last page is asked for' {
        $fleet = Initialize-FakeArmFleet -SubscriptionCount 60 -ClustersPerSubscription 20
        $fleet.Count | Should -Be 60
        Clear-FakeArmRequest

        # The first cluster notes how many Resource Graph requests the fake had received when it reached the pipeline.
        $script:requestsAtFirst = $null
        $clusters = @(Get-AksCluster -All | ForEach-Object {
                if ($null -eq $script:requestsAtFirst) { $script:requestsAtFirst = @(Get-GraphRequest).Count }
                $_
            })

        $clusters.Count | Should -Be (60 * 20 + 4)
        @($clusters.Id | Sort-Object -Unique).Count | Should -Be $clusters.Count
        $clusters.SubscriptionId | Sort-Object -Unique | Should -Be (@($Sub0, $Sub1) + $fleet | Sort-Object)
        @(Get-GraphRequest).Count | Should -Be 2
        $requestsAtFirst | Should -Be 1
    }

    It 'waits out a 429 with Retry-After and still lists everything' {
        Add-FakeArmFault -Method POST -PathContains 'Microsoft.ResourceGraph' -Action Status -Status 429 -RetryAfterSeconds 1
        Clear-FakeArmRequest

        $clusters = @(Get-AksCluster -All)

        $clusters.Count | Should -Be 4
        (Get-GraphRequest).status | Should -Be @(429, 200)
    }

    It 'turns a refused query into one non-terminating error' {
        $err = $null
        $clusters = @(Get-AksCluster -All -SubscriptionId $Sub0 -ErrorVariable err -ErrorAction SilentlyContinue)
        $clusters.Count | Should -Be 3

        Add-FakeArmFault -Method POST -PathContains 'Microsoft.ResourceGraph' -Action Status -Status 403 -ErrorCode AuthorizationFailed -Message 'no access'
        $clusters = @(Get-AksCluster -All -SubscriptionId $Sub0 -ErrorVariable err -ErrorAction SilentlyContinue)

        $clusters.Count | Should -Be 0
        $err.Count | Should -Be 1
        $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err[0].TargetObject | Should -Be 'Microsoft.ResourceGraph/resources'
        $err[0].Exception.Message | Should -Match 'AuthorizationFailed: no access'
    }

    It 'stops the query when the pipeline needs no more clusters' {
        $null = Initialize-FakeArmFleet -SubscriptionCount 10 -ClustersPerSubscription 150
        # A second page asked for would be recorded only after this delay; a cancelled one is never recorded.
        Set-FakeArmOption @{ latencyMs = 300 }
        Clear-FakeArmRequest

        $first = @(Get-AksCluster -All | Select-Object -First 3)

        $first.Count | Should -Be 3
        @(Get-GraphRequest).Count | Should -BeLessThan 2
    }
}
