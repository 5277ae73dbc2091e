BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:Arm = Start-FakeArm
    Connect-FakeArm | Out-Null
}

AfterAll {
    Disconnect-AksSecurity
    Stop-FakeArm $Arm
}

Describe 'Get-AksCluster' {
    It 'lists every cluster of the current subscription, sorted, as typed objects' {
        $clusters = @(Get-AksCluster)
        $clusters.Name | Should -Be @('clustername1', 'private1', 'restricted1')
        $clusters[0] | Should -BeOfType ([AksSecurity.AksCluster])
        $clusters[0].ResourceGroupName | Should -Be 'rg1'
        $clusters[0].SubscriptionId | Should -Be $Sub0
    }

    It 'carries the security settings and the full document' {
        $restricted = Get-AksCluster -ResourceGroupName rg2 -Name restricted1
        $restricted.AuthorizedIpRanges | Should -Be @('20.10.0.0/24', '52.3.4.5/32')
        $restricted.RunCommandDisabled | Should -BeTrue
        $restricted.ManagedEntraId | Should -BeTrue
        $restricted.AzureRbacEnabled | Should -BeTrue
        ($restricted.Json | ConvertFrom-Json).properties.aadProfile.managed | Should -BeTrue
        (Get-AksCluster -ResourceGroupName rg1 -Name private1).IsPrivateCluster | Should -BeTrue
    }

    It 'filters by resource group and by name with wildcards' {
        (Get-AksCluster -ResourceGroupName rg1).Name | Should -Be @('clustername1', 'private1')
        (Get-AksCluster -Name '*1' -ResourceGroupName 'rg*').Count | Should -Be 3
        (Get-AksCluster -Name 'priv*').Name | Should -Be 'private1'
    }

    It 'gets clusters by id, also from the pipeline by property name' {
        (Get-AksCluster -Id (Get-ClusterId rg1 clustername1)).Name | Should -Be 'clustername1'
        $objects = @([pscustomobject]@{ Id = Get-ClusterId rg2 restricted1 }, [pscustomobject]@{ ResourceId = Get-ClusterId rg1 private1 })
        ($objects | Get-AksCluster).Name | Should -Be @('restricted1', 'private1')
    }

    It 'lists other subscriptions given by id' {
        (Get-AksCluster -SubscriptionId $Sub1).Name | Should -Be 'runcmd1'
        (Get-AksCluster -SubscriptionId $Sub0, $Sub1).Count | Should -Be 4
    }

    It 'reports an unknown cluster as ObjectNotFound and goes on with the next item' {
        $err = $null
        $found = @((Get-ClusterId rg1 nope), (Get-ClusterId rg1 clustername1)) | ForEach-Object { [pscustomobject]@{ Id = $_ } } |
            Get-AksCluster -ErrorVariable err -ErrorAction SilentlyContinue
        $found.Name | Should -Be 'clustername1'
        $err.Count | Should -Be 1
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ObjectNotFound,ResourceNotFound*'
        $err[0].TargetObject | Should -Be (Get-ClusterId rg1 nope)
        $err[0].ScriptStackTrace + $err[0].Exception.Message | Should -Not -Match 'at AksSecurity\.'
    }

    It 'reports an exact name that matches nothing as ObjectNotFound' {
        $err = $null
        Get-AksCluster -Name 'ghost' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'reports a malformed resource id as InvalidArgument without calling ARM' {
        Clear-FakeArmRequest
        $err = $null
        Get-AksCluster -Id '/subscriptions/xyz/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/a' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].Exception.Message | Should -Match 'not a GUID'
        @(Get-FakeArmRequest).Count | Should -Be 0
    }

    It 'shows a table view' {
        $text = Get-AksCluster -ResourceGroupName rg2 | Format-Table | Out-String -Width 250
        $text | Should -Match 'AuthorizedIpRanges'
        $text | Should -Match '20\.10\.0\.0/24, 52\.3\.4\.5/32'
        $text | Should -Match 'Azure RBAC'
    }

    It 'completes resource group and cluster names' {
        $line = 'Get-AksCluster -ResourceGroupName rg'
        $groups = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $groups | Should -Contain 'rg1'
        $groups | Should -Contain 'rg2'
        $line = 'Test-AksApiAccess -ResourceGroupName rg1 -Name '
        $names = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $names | Should -Be @('clustername1', 'private1')
    }
}
