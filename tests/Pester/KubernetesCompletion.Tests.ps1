# Tab completion of names inside a cluster (namespaces, node names) through TabExpansion2, against the fake ARM and the
# fake Kubernetes API server its credential actions reach, and through kubeconfig files.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:Arm = Start-FakeArm
    $script:OpenId = Get-ClusterId rg1 clustername1
    $script:Seeded = @('default', 'kube-node-lease', 'kube-public', 'kube-system')
    $script:Nodes = 0..2 | ForEach-Object { "aks-nodepool1-12345678-vmss00000$_" }
    function Complete([string] $Line) { @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches) }

    # Loads the Kubernetes layer once, so the first completion below is not measured with the assemblies' start-up.
    Connect-FakeArm | Out-Null
    Get-AksKubeConfig -Id $OpenId | Out-Null
}

AfterAll {
    Disconnect-AksSecurity
    Stop-FakeArm $Arm
}

Describe 'Namespace and node name completion' {
    BeforeEach {
        Reset-FakeArm
        Reset-FakeKubernetes
        Disconnect-AksSecurity
        Connect-FakeArm | Out-Null
        Clear-FakeArmRequest
    }

    It 'offers the namespaces of the cluster named by -ResourceGroupName and -Name' {
        (Complete 'Get-AksFalcoAlert -ResourceGroupName rg1 -Name clustername1 -Namespace ').CompletionText | Should -Be $Seeded
        (Complete 'Get-AksFalcoAlert -ResourceGroupName rg1 -Name clustername1 -Namespace kube-p').CompletionText | Should -Be @('kube-public')
        @(Get-FakeArmRequest -Method POST -PathContains 'clustername1/listClusterUserCredential').Count | Should -Be 1 -Because 'the second completion is answered from the cache'
    }

    It 'offers the Linux nodes of the cluster named by -Id, not its Windows nodes' {
        Set-FakeKubernetesObject @{ apiVersion = 'v1'; kind = 'Node'; metadata = @{ name = 'akswin000000'; labels = @{ 'kubernetes.io/os' = 'windows' } } } | Out-Null
        (Complete "Invoke-AksKubeBench -Id $OpenId -NodeName ").CompletionText | Should -Be $Nodes
        (Complete "Invoke-AksKubeBench -Id $OpenId -NodeName aks-nodepool1-12345678-vmss000001, aks-nodepool1-12345678-vmss000002").CompletionText |
            Should -Be @('aks-nodepool1-12345678-vmss000002')
    }

    It 'lists through the admin credential when -Admin is typed' {
        (Complete 'Invoke-AksKubeBench -ResourceGroupName rg1 -Name clustername1 -Admin -Namespace kube-s').CompletionText | Should -Be @('kube-system')
        @(Get-FakeArmRequest -Method POST -PathContains 'clustername1/listClusterAdminCredential').Count | Should -Be 1
        @(Get-FakeKubernetesRequest -Method GET -PathContains '/api/v1/namespaces' | Where-Object authKind -EQ 'ClientCertificate').Count | Should -Be 1
    }

    It 'offers Install-AksFalco only namespaces it may take, not Kubernetes'' own' {
        Set-FakeKubernetesObject @{ apiVersion = 'v1'; kind = 'Namespace'; metadata = @{ name = 'security-tools' } } | Out-Null
        (Complete 'Install-AksFalco -ResourceGroupName rg1 -Name clustername1 -Namespace ').CompletionText | Should -Be @('security-tools')
    }

    It 'completes every in-cluster namespace parameter, and the namespaces Set-AksPolicyInitiative excludes' {
        (Complete 'New-AksSecretProviderClass -ResourceGroupName rg1 -Name clustername1 -Namespace def').CompletionText | Should -Be @('default')
        (Complete 'Set-AksPolicyInitiative -ResourceGroupName rg1 -Name clustername1 -Initiative Baseline -ExcludedNamespace kube-').CompletionText |
            Should -Be @('kube-node-lease', 'kube-public', 'kube-system')
        foreach ($command in Get-Command -Module AksSecurity) {
            foreach ($parameter in $command.Parameters.Values | Where-Object Name -In 'Namespace', 'ExcludedNamespace') {
                $completer = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentCompleterAttribute] }
                $completer.Type.Name | Should -BeIn 'KubernetesNamespaceCompleter', 'KubernetesInstallNamespaceCompleter' -Because "$($command.Name) -$($parameter.Name) names a namespace of the cluster"
            }
        }
    }

    It 'completes from a kubeconfig file and context, relative to the current location, without a connection' {
        Disconnect-AksSecurity
        New-FakeKubeConfig -Path (Join-Path $TestDrive 'fake.kubeconfig') -Context fake-aks | Out-Null
        Push-Location $TestDrive
        try {
            (Complete 'Get-AksFalcoAlert -KubeConfig ./fake.kubeconfig -Context ').CompletionText | Should -Be @('fake-aks')
            (Complete 'Get-AksFalcoAlert -KubeConfig ./fake.kubeconfig -Context fake-aks -Namespace ').CompletionText | Should -Be $Seeded
            (Complete 'Invoke-AksKubeBench -KubeConfig ./fake.kubeconfig -NodeName aks').CompletionText | Should -Be $Nodes
        }
        finally {
            Pop-Location
        }

        @(Get-FakeArmRequest).Count | Should -Be 0
    }

    It 'offers nothing when the command line names no cluster, or ARM names one and there is no connection' {
        @(Complete 'Get-AksFalcoAlert -Namespace ').Count | Should -Be 0
        @(Complete 'Invoke-AksKubeBench -ResourceGroupName rg1 -NodeName ').Count | Should -Be 0
        @(Complete "Invoke-AksKubeBench -KubeConfig '$(Join-Path $TestDrive 'missing.kubeconfig')' -NodeName ").Count | Should -Be 0
        Disconnect-AksSecurity
        @(Complete 'Get-AksFalcoAlert -ResourceGroupName rg1 -Name clustername1 -Namespace ').Count | Should -Be 0
        @(Get-FakeArmRequest).Count | Should -Be 0
        @(Get-FakeKubernetesRequest).Count | Should -Be 0
    }

    It 'never runs the exec plugin of a kubeconfig user, which could prompt' -Skip:$IsWindows {
        $marker = Join-Path $TestDrive 'exec-ran'
        $text = (Get-Content -Raw (New-FakeKubeConfig -Path (Join-Path $TestDrive 'token.kubeconfig')).FullName) -replace '(?m)^(\s+)token: .*$', @"
`$1exec:
`$1  apiVersion: client.authentication.k8s.io/v1beta1
`$1  command: /bin/sh
`$1  args: ["-c", "touch '$marker'; echo '{}'"]
"@
        Set-Content -Path (Join-Path $TestDrive 'exec.kubeconfig') -Value $text
        @(Complete "Get-AksFalcoAlert -KubeConfig '$(Join-Path $TestDrive 'exec.kubeconfig')' -Namespace ").Count | Should -Be 0
        Test-Path $marker | Should -BeFalse
    }

    It 'gives up within a few seconds when the API server is slow or unreachable, offering nothing' {
        Add-FakeKubernetesFault -Method GET -PathContains '/api/v1/nodes' -Action Delay -DelayMs 15000 -Times 5
        $elapsed = Measure-Command { $script:slow = Complete 'Invoke-AksKubeBench -ResourceGroupName rg1 -Name clustername1 -NodeName ' }
        $slow.Count | Should -Be 0
        $elapsed.TotalSeconds | Should -BeLessThan 5

        # TEST-NET-1 (RFC 5737) is never routed: the connection attempt hangs or fails, it never answers.
        $unreachable = (Get-Content -Raw (New-FakeKubeConfig -Path (Join-Path $TestDrive 'reachable.kubeconfig')).FullName) -replace 'server: https://127\.0\.0\.1:\d+', 'server: https://192.0.2.1:6443'
        Set-Content -Path (Join-Path $TestDrive 'unreachable.kubeconfig') -Value $unreachable
        $elapsed = Measure-Command { $script:none = Complete "Get-AksFalcoAlert -KubeConfig '$(Join-Path $TestDrive 'unreachable.kubeconfig')' -Namespace " }
        $none.Count | Should -Be 0
        $elapsed.TotalSeconds | Should -BeLessThan 5
    }
}
