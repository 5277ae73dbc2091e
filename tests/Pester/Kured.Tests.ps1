BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:Arm = Start-FakeArm
    Connect-FakeArm | Out-Null
    $script:ClusterId = Get-ClusterId rg1 clustername1
    $script:NotifyText = 'slack://pester-token-a/pester-token-b/pester-secret-c'

    function Set-NodeOsChannel([string] $Channel) {
        $cluster = Get-FakeArmCluster $ClusterId
        $cluster.properties | Add-Member -NotePropertyName autoUpgradeProfile -NotePropertyValue @{ nodeOSUpgradeChannel = $Channel } -Force
        Set-FakeArmCluster $cluster | Out-Null
    }

    # The object, or $null when the fake has none (its control route answers 404).
    function Find-FakeObject([string] $ApiVersion, [string] $Kind, [string] $Namespace, [string] $Name) {
        $arguments = @{ ApiVersion = $ApiVersion; Kind = $Kind; Name = $Name }
        if ($Namespace) { $arguments.Namespace = $Namespace }
        try { Get-FakeKubernetesObject @arguments } catch { if ($_.Exception.Response.StatusCode -ne 404) { throw } }
    }

    function Get-KuredDaemonSet { Find-FakeObject apps/v1 DaemonSet kube-system kured }

    function Get-KuredEnv {
        $env = @{}
        foreach ($entry in (Get-KuredDaemonSet).spec.template.spec.containers[0].env) { $env[$entry.name] = $entry.value }
        $env
    }

    function Get-Writes { @(Get-FakeKubernetesRequest | Where-Object method -ne 'GET') }
}

AfterAll {
    Disconnect-AksSecurity
    Stop-FakeArm
}

Describe 'Install-AksKured' {
    BeforeEach {
        Reset-FakeArm
        Reset-FakeKubernetes
        Set-NodeOsChannel Unmanaged
        $script:KubeConfig = (New-FakeKubeConfig -Path (Join-Path $TestDrive 'kubeconfig')).FullName
    }

    It 'installs through the ARM credential action, and a re-run sends nothing and says so' {
        $changes = Install-AksKured -ResourceGroupName rg1 -Name clustername1 -Period 30m -RebootDays Saturday, su -Confirm:$false

        $changes.Count | Should -Be 6
        $changes.Action | Select-Object -Unique | Should -Be 'Created'
        $changes[0] | Should -BeOfType ([AksSecurity.KubernetesObjectChange])
        $ds = Get-KuredDaemonSet
        $ds.metadata.labels.'aks-security.io/component' | Should -Be 'kured'
        $ds.metadata.labels.'app.kubernetes.io/managed-by' | Should -Be 'AksSecurity'
        $ds.spec.template.spec.containers[0].image | Should -Be 'ghcr.io/kubereboot/kured:1.23.0'
        $env = Get-KuredEnv
        $env.KURED_PERIOD | Should -Be '30m'
        $env.KURED_REBOOT_DAYS | Should -Be 'su,sa'
        $env.KURED_ANNOTATE_NODES | Should -Be 'true'

        Clear-FakeKubernetesRequest
        $again = $null
        $text = Get-HostOutput { $script:again = Install-AksKured -Id $ClusterId -Period 00:30:00 -RebootDays su, sat -Confirm:$false }
        $text | Should -Match "Cluster 'clustername1': no change"
        $script:again | Should -BeNullOrEmpty
        Get-Writes | Should -BeNullOrEmpty
        (Install-AksKured -Id $ClusterId -Period 30m -RebootDays su, sa -PassThru).Action | Select-Object -Unique | Should -Be 'Unchanged'
    }

    It 'shows the plan under -WhatIf and sends nothing' {
        $text = Get-HostOutput { Install-AksKured -KubeConfig $KubeConfig -StartTime 22:00 -EndTime 4am -TimeZone Europe/Berlin -WhatIf }
        $text | Should -Match 'What if:'
        $text | Should -Match 'Install Kured'
        $text | Should -Match 'DaemonSet kube-system/kured'
        $text | Should -Match 'ClusterRole kured'
        Get-Writes | Should -BeNullOrEmpty
        Get-KuredDaemonSet | Should -BeNullOrEmpty
    }

    It 'changes only the setting that changed, and names it' {
        Install-AksKured -KubeConfig $KubeConfig -Concurrency 2 | Out-Null
        $before = Get-KuredEnv
        Clear-FakeKubernetesRequest

        $plan = Get-HostOutput { Install-AksKured -KubeConfig $KubeConfig -Concurrency 2 -Period 15m -WhatIf }
        $plan | Should -Match ([regex]::Escape('spec.template.spec.containers[name=kured].env[name=KURED_PERIOD]: (none) → {"name":"KURED_PERIOD","value":"15m"}'))
        $plan | Should -Not -Match 'KURED_CONCURRENCY'
        Get-Writes | Should -BeNullOrEmpty

        Install-AksKured -KubeConfig $KubeConfig -Concurrency 2 -Period 15m | Out-Null
        $writes = Get-Writes
        $writes.Count | Should -Be 1
        $writes[0].path | Should -Match 'daemonsets/kured'
        $after = Get-KuredEnv
        $after.KURED_PERIOD | Should -Be '15m'
        $after.Remove('KURED_PERIOD')
        ($after.Keys | Sort-Object) | Should -Be ($before.Keys | Sort-Object)
        $after.KURED_CONCURRENCY | Should -Be '2'
    }

    It 'refuses under the NodeImage channel with the reason, and installs with -Force and a warning' {
        Set-NodeOsChannel NodeImage
        Clear-FakeKubernetesRequest
        $err = $null
        Install-AksKured -ResourceGroupName rg1 -Name clustername1 -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Match '^NotSupported'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].Exception.Message | Should -Match 'NodeImage'
        $err[0].Exception.Message | Should -Match '-Force'
        Get-Writes | Should -BeNullOrEmpty

        $warnings = $null
        Install-AksKured -ResourceGroupName rg1 -Name clustername1 -Force -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
        ($warnings -join "`n") | Should -Match 'redundant'
        Get-KuredDaemonSet | Should -Not -BeNullOrEmpty
    }

    It 'refuses bad input before anything is sent' -TestCases @(
        @{ Parameters = @{ TimeZone = 'Mars/Olympus_Mons' }; Name = 'TimeZone' }
        @{ Parameters = @{ RebootDays = 'funday' }; Name = 'RebootDays' }
        @{ Parameters = @{ BlockingPodSelector = 'app in (a,b' }; Name = 'BlockingPodSelector' }
        @{ Parameters = @{ Concurrency = 0 }; Name = 'Concurrency' }
        @{ Parameters = @{ AlertFilterRegexp = '^x' }; Name = 'AlertFilterRegexp' }
        @{ Parameters = @{ Image = 'myacr.azurecr.io/kured'; ImageRegistry = 'myacr.azurecr.io' }; Name = 'ImageRegistry' }
    ) {
        Clear-FakeKubernetesRequest
        { Install-AksKured -KubeConfig $KubeConfig @Parameters } | Should -Throw -ErrorId 'InvalidArgument*'
        try { Install-AksKured -KubeConfig $KubeConfig @Parameters } catch { $_.TargetObject | Should -Be $Name; $_.Exception.Message | Should -Match "-$Name" }
        @(Get-FakeKubernetesRequest) | Should -BeNullOrEmpty
    }

    It 'keeps the notify URL out of every stream, the transcript, the plan and the DaemonSet' {
        $secure = ConvertTo-SecureString $NotifyText -AsPlainText -Force
        $text = Get-HostOutput {
            Install-AksKured -KubeConfig $KubeConfig -NotifyUrl $secure -WhatIf -Verbose -Debug
            Install-AksKured -KubeConfig $KubeConfig -NotifyUrl $secure -PassThru -Verbose -Debug | Format-List *
            Install-AksKured -KubeConfig $KubeConfig -NotifyUrl (ConvertTo-SecureString "$NotifyText-new" -AsPlainText -Force) -Verbose -Debug -WhatIf
        }
        $text | Should -Match 'KURED_NOTIFY_URL: \(secret\)'
        $text | Should -Match 'What if:'
        $text | Should -Not -Match 'pester-secret-c'
        $text | Should -Not -Match 'pester-token-a'
        $base64 = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($NotifyText))
        $text | Should -Not -Match ([regex]::Escape($base64))

        $ds = Get-KuredDaemonSet
        ($ds | ConvertTo-Json -Depth 32) | Should -Not -Match 'pester-secret-c'
        ($ds.spec.template.spec.containers[0].env | Where-Object name -eq KURED_NOTIFY_URL).valueFrom.secretKeyRef.name | Should -Be 'kured-notify'
        $secret = Get-FakeKubernetesObject -ApiVersion v1 -Kind Secret -Namespace kube-system -Name kured-notify
        [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($secret.data.'notify-url')) | Should -Be $NotifyText

        $failure = $null
        try { Install-AksKured -KubeConfig $KubeConfig -NotifyUrl (ConvertTo-SecureString 'hooks.slack.com/pester-secret-c' -AsPlainText -Force) } catch { $failure = $_ }
        $failure.Exception.Message | Should -Match 'NotifyUrl'
        "$failure $($failure.TargetObject)" | Should -Not -Match 'pester-secret-c'
    }
}

Describe 'Get-AksKuredStatus' {
    BeforeEach {
        Reset-FakeArm
        Reset-FakeKubernetes
        Set-NodeOsChannel Unmanaged
        $script:KubeConfig = (New-FakeKubeConfig -Path (Join-Path $TestDrive 'kubeconfig')).FullName
    }

    It 'says Kured is not installed' {
        $warnings = $null
        $status = Get-AksKuredStatus -KubeConfig $KubeConfig -WarningVariable warnings -WarningAction SilentlyContinue
        $status | Should -BeOfType ([AksSecurity.KuredStatus])
        $status.Installed | Should -BeFalse
        ($warnings -join "`n") | Should -Match 'Install-AksKured'
    }

    It 'reads health, the lock holder and the nodes waiting for reboot, through ARM and through a kubeconfig' {
        Install-AksKured -ResourceGroupName rg1 -Name clustername1 -RebootDays mo -StartTime 22:00 -EndTime 04:00 | Out-Null
        $ds = Get-KuredDaemonSet
        $ds.metadata | Add-Member -NotePropertyName annotations -NotePropertyValue @{
            'weave.works/kured-node-lock' = '{"nodeID":"aks-nodepool1-12345678-vmss000001","metadata":{"unschedulable":false},"created":"2026-11-27T07:30:00.123456789Z","TTL":0}'
        } -Force
        Set-FakeKubernetesObject $ds | Out-Null
        $node = Get-FakeKubernetesObject -ApiVersion v1 -Kind Node -Name aks-nodepool1-12345678-vmss000001
        $node.metadata | Add-Member -NotePropertyName annotations -NotePropertyValue @{
            'weave.works/kured-reboot-in-progress'        = '2026-11-27T07:29:00Z'
            'weave.works/kured-most-recent-reboot-needed' = '2026-11-27T07:29:00Z'
        } -Force
        Set-FakeKubernetesObject $node | Out-Null

        Clear-FakeKubernetesRequest
        foreach ($status in (Get-AksKuredStatus -ResourceGroupName rg1 -Name clustername1), (Get-AksKuredStatus -KubeConfig $KubeConfig)) {
            $status.Installed | Should -BeTrue
            $status.ManagedByAksSecurity | Should -BeTrue
            $status.Healthy | Should -BeTrue
            $status.NumberReady | Should -Be 3
            $status.Schedule | Should -Be 'mo 22:00-04:00 UTC'
            $status.LockHolders.NodeName | Should -Be 'aks-nodepool1-12345678-vmss000001'
            $status.NodesWaitingForReboot | Should -Be 'aks-nodepool1-12345678-vmss000001'
            $status.Nodes.Count | Should -Be 3
        }
        Get-Writes | Should -BeNullOrEmpty

        $table = Get-AksKuredStatus -KubeConfig $KubeConfig | Format-Table | Out-String -Width 300
        $table | Should -Match 'True\s+3/3\s+True\s+aks-nodepool1-12345678-vmss000001\s+aks-nodepool1-12345678-vmss000001\s+mo 22:00-04:00 UTC'
        $list = Get-AksKuredStatus -KubeConfig $KubeConfig | Format-List | Out-String -Width 300
        $list | Should -Match 'LockAnnotation\s+: weave.works/kured-node-lock'
        ((Get-AksKuredStatus -KubeConfig $KubeConfig).Nodes | Format-Table | Out-String -Width 300) | Should -Match 'kured-\w+ \(ready\)'
    }
}

Describe 'Uninstall-AksKured' {
    BeforeEach {
        Reset-FakeArm
        Reset-FakeKubernetes
        Set-NodeOsChannel Unmanaged
        $script:KubeConfig = (New-FakeKubeConfig -Path (Join-Path $TestDrive 'kubeconfig')).FullName
        Install-AksKured -KubeConfig $KubeConfig -NotifyUrl (ConvertTo-SecureString $NotifyText -AsPlainText -Force) | Out-Null
        # Not ours: someone else's kured in another namespace.
        Set-FakeKubernetesObject @{
            apiVersion = 'apps/v1'; kind = 'DaemonSet'; metadata = @{ name = 'kured'; namespace = 'default'; labels = @{ app = 'kured' } }
            spec = @{ selector = @{ matchLabels = @{ name = 'kured' } }; template = @{ metadata = @{ labels = @{ name = 'kured' } }; spec = @{ containers = @(@{ name = 'kured'; image = 'ghcr.io/kubereboot/kured:1.23.0' }) } } }
        } | Out-Null
    }

    It 'asks by default (high impact) and lists the objects under -WhatIf without deleting' {
        (Get-Command Uninstall-AksKured).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'High'
        Clear-FakeKubernetesRequest
        $text = Get-HostOutput { Uninstall-AksKured -KubeConfig $KubeConfig -WhatIf }
        $text | Should -Match 'Uninstall Kured'
        $text | Should -Match 'Secret kube-system/kured-notify'
        Get-Writes | Should -BeNullOrEmpty
        Get-KuredDaemonSet | Should -Not -BeNullOrEmpty
    }

    It 'removes every object we installed and nothing else, through ARM' {
        $removed = Uninstall-AksKured -ResourceGroupName rg1 -Name clustername1 -Confirm:$false
        $removed.Count | Should -Be 7
        $removed.Action | Select-Object -Unique | Should -Be 'Deleted'
        Get-KuredDaemonSet | Should -BeNullOrEmpty
        Find-FakeObject v1 Secret kube-system kured-notify | Should -BeNullOrEmpty
        Find-FakeObject rbac.authorization.k8s.io/v1 ClusterRole '' kured | Should -BeNullOrEmpty
        Find-FakeObject v1 ServiceAccount kube-system kured | Should -BeNullOrEmpty
        (Get-FakeKubernetesObject -ApiVersion apps/v1 -Kind DaemonSet -Namespace default -Name kured).metadata.labels.app | Should -Be 'kured'

        $text = Get-HostOutput { Uninstall-AksKured -KubeConfig $KubeConfig -Confirm:$false }
        $text | Should -Match 'no change'
    }
}
