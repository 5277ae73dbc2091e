# Invoke-AksKubeBench and Test-AksSecurity -IncludeNode through Import-Module, against the fake ARM and its fake Kubernetes
# API server (whose Job controller plays each kube-bench pod on the node its affinity names, with the log set here).
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:Arm = Start-FakeArm
    Connect-FakeArm | Out-Null
    $script:ClusterId = Get-ClusterId rg1 clustername1
    $script:Namespace = 'aks-security-kube-bench'
    $script:Nodes = @('aks-nodepool1-12345678-vmss000000', 'aks-nodepool1-12345678-vmss000001', 'aks-nodepool1-12345678-vmss000002')
    # kube-bench v0.15.6's output on an AKS node (11 PASS, 3.2.4 and 3.2.9 FAIL), as the engine tests use it.
    $script:NodeOutput = Get-Content -Raw (Join-Path $RepoRoot 'tests/AksSecurity.Engine.Tests/TestData/kube-bench/aks-1.8-node-v0.15.6.json')
    $script:KubeConfig = (New-FakeKubeConfig -Path (Join-Path $TestDrive 'kubeconfig')).FullName

    function Get-Left([string] $InNamespace = $Namespace) {
        @(Get-FakeKubernetesObject -ApiVersion batch/v1 -Kind Job -Namespace $InNamespace) + @(Get-FakeKubernetesObject -ApiVersion v1 -Kind Pod -Namespace $InNamespace)
    }

    function Get-KubeWrite { @(Get-FakeKubernetesRequest | Where-Object method -NE 'GET') }

    function Test-NamespaceExists([string] $Name = $Namespace) {
        @(Get-FakeKubernetesObject -ApiVersion v1 -Kind Namespace | Where-Object { $_.metadata.name -eq $Name }).Count -gt 0
    }
}

AfterAll {
    Disconnect-AksSecurity
    Stop-FakeArm $Arm
}

Describe 'Invoke-AksKubeBench' {
    BeforeEach {
        Reset-FakeKubernetes
        Set-FakeKubernetesOption @{ kubeBenchLog = $NodeOutput; podPhaseDelayMs = 20 }
        Clear-FakeKubernetesRequest
    }

    It 'writes one object per check per node, then a summary per node, and leaves nothing behind' {
        $output = @(Invoke-AksKubeBench -KubeConfig $KubeConfig -Confirm:$false)

        $checks = @($output | Where-Object { $_ -is [AksSecurity.KubeBenchCheckResult] })
        $summaries = @($output | Where-Object { $_ -is [AksSecurity.KubeBenchNodeSummary] })
        $checks.Count | Should -Be 39
        $summaries.Node | Should -Be $Nodes
        $output[-3..-1] | ForEach-Object { $_ | Should -BeOfType ([AksSecurity.KubeBenchNodeSummary]) }
        $summaries | ForEach-Object { $_.Pass, $_.Fail, $_.Benchmark, $_.Succeeded | Should -Be 11, 2, 'aks-1.7', $true }
        $failed = @($checks | Where-Object Status -EQ Fail)
        $failed.Id | Sort-Object -Unique | Should -Be '3.2.4', '3.2.9'
        $failed[0].ExpectedResult | Should -Match 'readOnlyPort|RotateKubeletServerCertificate'
        $failed[0].Remediation | Should -Not -BeNullOrEmpty
        Get-Left | Should -BeNullOrEmpty
        Test-NamespaceExists | Should -BeFalse
        @(Get-FakeKubernetesRequest | Where-Object { $_.path -match '/(cluster)?role(binding)?s' }).Count | Should -Be 0
    }

    It 'runs through ARM on the nodes -NodeName names, and -Summary writes only the summaries' {
        $output = @(Invoke-AksKubeBench -ResourceGroupName rg1 -Name clustername1 -NodeName '*vmss000001' -Benchmark aks-1.8 -Summary -Confirm:$false)

        $output.Count | Should -Be 1
        $output[0] | Should -BeOfType ([AksSecurity.KubeBenchNodeSummary])
        $output[0].Node | Should -Be $Nodes[1]
        $output[0].Benchmark | Should -Be 'aks-1.8'
        $output[0].Cluster | Should -Be 'clustername1'
        @(Get-KubeWrite | Where-Object { $_.method -eq 'POST' -and $_.path -like '*/jobs' }).Count | Should -Be 1
        Get-Left | Should -BeNullOrEmpty
    }

    It '-WhatIf lists the namespace, ServiceAccount and Jobs it would create and sends nothing' {
        $text = Get-HostOutput { Invoke-AksKubeBench -Id $ClusterId -ImageRegistry myacr.azurecr.io -WhatIf }

        $text | Should -Match ([regex]::Escape("create Namespace $Namespace"))
        $text | Should -Match ([regex]::Escape("apply ServiceAccount $Namespace/kube-bench (no token mounted, no Role or binding)"))
        $text | Should -Match ([regex]::Escape('myacr.azurecr.io/aquasec/kube-bench:v0.15.6'))
        foreach ($node in $Nodes) { $text | Should -Match ([regex]::Escape("on node $node")) }
        Get-KubeWrite | Should -BeNullOrEmpty
    }

    It 'refuses an unknown node, naming the nodes that exist, before anything is created' {
        $err = $null
        Invoke-AksKubeBench -KubeConfig $KubeConfig -NodeName nope -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue

        $err.Count | Should -Be 1
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$($err[0])" | Should -Match "No node of .* is named 'nope'"
        foreach ($node in $Nodes) { "$($err[0])" | Should -Match $node }
        Get-KubeWrite | Should -BeNullOrEmpty
    }

    It 'refuses a bad image before the cluster is reached' {
        { Invoke-AksKubeBench -KubeConfig $KubeConfig -Image 'Not An Image' -Confirm:$false } | Should -Throw -ErrorId 'InvalidArgument*'
        Get-FakeKubernetesRequest | Should -BeNullOrEmpty
    }

    It 'reports a node whose log is not kube-bench JSON as an error, and the other nodes' {
        Set-FakeKubernetesOption @{ kubeBenchLog = $null; nodeLogs = @{ $Nodes[0] = '[INFO] 3 Worker Node Security Configuration'; $Nodes[1] = $NodeOutput; $Nodes[2] = $NodeOutput } }
        $err = $null
        $output = @(Invoke-AksKubeBench -KubeConfig $KubeConfig -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue)

        $err.Count | Should -Be 1
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[0].TargetObject | Should -Be $Nodes[0]
        @($output | Where-Object { $_ -is [AksSecurity.KubeBenchCheckResult] }).Count | Should -Be 26
        ($output | Where-Object { $_ -is [AksSecurity.KubeBenchNodeSummary] -and -not $_.Succeeded }).Node | Should -Be $Nodes[0]
        Get-Left | Should -BeNullOrEmpty
    }

    It 'times out Jobs that never run, names the pod state and deletes them' {
        Set-FakeKubernetesOption @{ jobBehavior = 'Hang' }
        $err = $null
        $summaries = @(Invoke-AksKubeBench -KubeConfig $KubeConfig -Timeout '00:00:02' -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue)

        $err.Count | Should -Be 3
        $err | ForEach-Object { $_.CategoryInfo.Category | Should -Be 'OperationTimeout' }
        "$($err[0])" | Should -Match 'pod Pending: Unschedulable'
        $summaries.Error | Should -HaveCount 3
        Get-Left | Should -BeNullOrEmpty
        Test-NamespaceExists | Should -BeFalse
    }

    It 'deletes every Job and pod when stopped (Ctrl+C)' {
        Set-FakeKubernetesOption @{ jobBehavior = 'Hang' }
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($Module, $Path)
                    Import-Module $Module
                    Invoke-AksKubeBench -KubeConfig $Path -Confirm:$false
                }).AddArgument($ModulePath).AddArgument($KubeConfig)
            $running = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (@(Get-FakeKubernetesObject -ApiVersion batch/v1 -Kind Job -Namespace $Namespace).Count -lt 3 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            @(Get-FakeKubernetesObject -ApiVersion v1 -Kind Pod -Namespace $Namespace).Count | Should -Be 3

            $ps.Stop()

            $running.IsCompleted | Should -BeTrue
            Get-Left | Should -BeNullOrEmpty
            Test-NamespaceExists | Should -BeFalse
        }
        finally { $ps.Dispose() }
    }
}

Describe 'Test-AksSecurity -IncludeNode' {
    BeforeEach {
        Reset-FakeArm
        Reset-FakeKubernetes
        Set-FakeKubernetesOption @{ nodeLogs = @{ $Nodes[0] = $NodeOutput; $Nodes[1] = $NodeOutput; $Nodes[2] = $NodeOutput }; podPhaseDelayMs = 20 }
    }

    It 'adds the node findings beside the ARM findings' {
        $result = Test-AksSecurity -ResourceGroupName rg1 -Name clustername1 -IncludeNode

        $result | Should -BeOfType ([AksSecurity.AuditResult])
        $result.Findings.CheckId | Should -Contain 'AKS-API-001'
        $node = @($result.Findings | Where-Object CheckId -Like 'AKS-NODE-*')
        $node.CheckId | Should -Be 'AKS-NODE-008', 'AKS-NODE-013'
        $node[0].Evidence | Should -Match ([regex]::Escape("FAIL on 3 of 3 node(s): $($Nodes -join ', ') read"))
        $node[0].DocumentationUrl | Should -Be 'docs/checks.md#aks-node-008'
        @($result.ChecksRun | Where-Object { $_ -like 'AKS-NODE-*' }).Count | Should -Be 13
        Get-Left | Should -BeNullOrEmpty
    }

    It 'lets Assert-AksSecurity gate on the node findings with -IncludeNode' {
        { Assert-AksSecurity -ResourceGroupName rg1 -Name clustername1 -IncludeNode -Category Node -FailOn Medium } |
            Should -Throw '*clustername1: AKS-NODE-008 `[Medium`]*'
        Get-Left | Should -BeNullOrEmpty

        Clear-FakeKubernetesRequest
        { Assert-AksSecurity -ResourceGroupName rg1 -Name clustername1 -Category Node -FailOn Medium } | Should -Not -Throw
        Get-FakeKubernetesRequest | Should -BeNullOrEmpty
    }

    It 'skips the node checks without -IncludeNode, and says offline that they are not run' {
        $live = Test-AksSecurity -Id $ClusterId -Category Node
        ($live.Skipped | Select-Object -First 1).Reason | Should -BeLike 'Runs only with -IncludeNode (Test-AksSecurity, Assert-AksSecurity)*'
        Get-FakeKubernetesRequest | Should -BeNullOrEmpty

        $warnings = $null
        $offline = Test-AksSecurity -Path (Join-Path $ExamplesDirectory 'dev-open.json') -IncludeNode -Category Node -WarningVariable warnings -WarningAction SilentlyContinue
        "$warnings" | Should -Match 'node checks are not run offline'
        $offline.ChecksRun | Should -BeNullOrEmpty
        ($offline.Skipped | Select-Object -First 1).Reason | Should -BeLike 'Node checks run kube-bench on the cluster''s nodes, so they are not run offline*'
    }
}
