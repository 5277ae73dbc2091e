# Install-AksFalco, Get-AksFalcoAlert, Uninstall-AksFalco through the built module, against the fake Kubernetes API server.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:Arm = Start-FakeArm
    Connect-FakeArm | Out-Null
    $script:KubeConfig = (New-FakeKubeConfig -Path (Join-Path $TestDrive 'kubeconfig')).FullName
    $script:AlertLine = (Get-Content -Raw (Join-Path $RepoRoot 'tests/AksSecurity.Engine.Tests/TestData/falco/alerts/terminal-shell-in-container.falco-website.json')).Trim()

    function Get-Changes { @(Get-FakeKubernetesRequest | Where-Object method -ne 'GET') }

    function Get-FalcoPod { @(Get-FakeKubernetesObject -ApiVersion v1 -Kind Pod -Namespace falco | Where-Object { $_.metadata.labels.'app.kubernetes.io/name' -eq 'falco' }) }

    function Get-ErrorOf([scriptblock] $ScriptBlock) {
        try { & $ScriptBlock | Out-Null; $null } catch { $_ }
    }
}

AfterAll {
    Disconnect-AksSecurity
    Stop-FakeArm $Arm
}

Describe 'Install-AksFalco and Uninstall-AksFalco' {
    BeforeEach {
        Reset-FakeArm
        Reset-FakeKubernetes
    }

    It 'installs through a kubeconfig, changes nothing when run again, and uninstalls only its own objects' {
        Set-FakeKubernetesObject @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'falco'; namespace = 'kube-system' }; data = @{ keep = 'me' } } | Out-Null

        $created = @(Install-AksFalco -KubeConfig $KubeConfig -Confirm:$false)
        $created.Count | Should -Be 9
        $created.Action | Sort-Object -Unique | Should -Be 'Created'
        $created[0] | Should -BeOfType ([AksSecurity.KubernetesObjectChange])
        $daemonSet = Get-FakeKubernetesObject -ApiVersion apps/v1 -Kind DaemonSet -Namespace falco -Name falco
        $daemonSet.metadata.labels.'aks-security.io/component' | Should -Be 'falco'
        $daemonSet.spec.template.spec.initContainers.name | Should -Be 'falcoctl-artifact-install'
        (Get-FalcoPod).Count | Should -Be 3

        Clear-FakeKubernetesRequest
        $again = Get-HostOutput { Install-AksFalco -KubeConfig $KubeConfig -Confirm:$false }
        $again | Should -Match 'no change'
        Get-Changes | Should -BeNullOrEmpty
        @(Install-AksFalco -KubeConfig $KubeConfig -PassThru -Confirm:$false).Action | Sort-Object -Unique | Should -Be 'Unchanged'

        $removed = @(Uninstall-AksFalco -KubeConfig $KubeConfig -Confirm:$false)
        $removed.Count | Should -Be 9
        $removed.Action | Sort-Object -Unique | Should -Be 'Deleted'
        Get-FakeKubernetesObject -ApiVersion v1 -Kind Namespace | Where-Object { $_.metadata.name -eq 'falco' } | Should -BeNullOrEmpty
        (Get-FakeKubernetesObject -ApiVersion v1 -Kind ConfigMap -Namespace kube-system -Name falco).data.keep | Should -Be 'me'
        Get-HostOutput { Uninstall-AksFalco -KubeConfig $KubeConfig -Confirm:$false } | Should -Match 'no change'
    }

    It 'reaches a cluster from ARM by its id' {
        $changes = @(Install-AksFalco -Id (Get-ClusterId rg1 clustername1) -Confirm:$false)
        $changes.Count | Should -Be 9
        $changes[0].Cluster | Should -Be 'clustername1'
    }

    It '-WhatIf shows every object and sends only GET requests' {
        Clear-FakeKubernetesRequest
        $text = Get-HostOutput { Install-AksFalco -KubeConfig $KubeConfig -RulesPath (Join-Path $TestDrive 'none.yaml' | ForEach-Object { Set-Content $_ "- macro: m`n  condition: evt.type = open`n"; $_ }) -WhatIf }
        $text | Should -Match 'DaemonSet falco/falco'
        $text | Should -Match 'ConfigMap falco/falco-custom-rules'
        Get-Changes | Should -BeNullOrEmpty
        Get-FakeKubernetesObject -ApiVersion apps/v1 -Kind DaemonSet -Namespace falco | Should -BeNullOrEmpty
    }

    It 'refuses a rules file that is <Case> with <Category>, before any request' -ForEach @(
        @{ Case = 'missing'; Category = 'ObjectNotFound'; Make = { Join-Path $TestDrive 'missing.yaml' } }
        @{ Case = 'a folder'; Category = 'ReadError'; Make = { $TestDrive } }
        @{ Case = 'not UTF-8'; Category = 'InvalidData'; Make = { $f = Join-Path $TestDrive 'latin1.yaml'; [IO.File]::WriteAllBytes($f, [Text.Encoding]::Latin1.GetBytes("- rule: Caf$([char]0xE9)`n  enabled: false`n")); $f } }
        @{ Case = 'truncated YAML'; Category = 'InvalidData'; Make = { $f = Join-Path $TestDrive 'cut.yaml'; Set-Content $f "- rule: Shell`n  desc: `"unterminated"; $f } }
        @{ Case = 'not a list of rules'; Category = 'InvalidData'; Make = { $f = Join-Path $TestDrive 'map.yaml'; Set-Content $f "rule: Shell`ndesc: x"; $f } }
    ) {
        Clear-FakeKubernetesRequest
        $err = Get-ErrorOf { Install-AksFalco -KubeConfig $KubeConfig -RulesPath (& $Make) -Confirm:$false }
        $err | Should -Not -BeNullOrEmpty
        $err.CategoryInfo.Category | Should -Be $Category
        $err.FullyQualifiedErrorId | Should -BeLike "$Category,*"
        @(Get-FakeKubernetesRequest).Count | Should -Be 0
    }

    It 'names the line and column of a YAML error' {
        $f = Join-Path $TestDrive 'cut.yaml'
        Set-Content $f "- rule: Shell`n  desc: `"unterminated"
        (Get-ErrorOf { Install-AksFalco -KubeConfig $KubeConfig -RulesPath $f -Confirm:$false }).Exception.Message | Should -Match '\(line 2, column 9\)'
    }

    It 'refuses <Parameter> <Value> as an invalid argument before any request' -ForEach @(
        @{ Parameter = 'Namespace'; Value = 'kube-system' }
        @{ Parameter = 'Image'; Value = 'myacr.azurecr.io/falco' }
        @{ Parameter = 'ImageRegistry'; Value = 'https://myacr.azurecr.io' }
    ) {
        Clear-FakeKubernetesRequest
        $arguments = @{ KubeConfig = $KubeConfig; $Parameter = $Value }
        $err = Get-ErrorOf { Install-AksFalco @arguments -Confirm:$false }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be $Parameter
        @(Get-FakeKubernetesRequest).Count | Should -Be 0
    }
}

Describe 'Get-AksFalcoAlert' {
    BeforeAll {
        Reset-FakeKubernetes
        Install-AksFalco -KubeConfig $KubeConfig -Confirm:$false | Out-Null
        $script:Pods = Get-FalcoPod
        $warning = '{"hostname":"n2","output":"Warning x","output_fields":{"k8s.ns.name":"payments","k8s.pod.name":"api-1"},"priority":"Warning","rule":"Read sensitive file untrusted","source":"syscall","tags":["filesystem"],"time":"' + [DateTime]::UtcNow.ToString('yyyy-MM-ddTHH:mm:ss.fffffff') + '01Z"}'
        Add-FakeKubernetesPodLog -Namespace falco -Pod $Pods[0].metadata.name -Container falco -Text "Fri Nov 27 07:00:00 2026: Falco version: 0.44.1`n$AlertLine`n"
        Add-FakeKubernetesPodLog -Namespace falco -Pod $Pods[1].metadata.name -Container falco -Text "$warning`n"
    }

    It 'reads the JSON alerts of every Falco pod as objects with their node, and says how many lines it skipped' {
        $alerts = @(Get-AksFalcoAlert -KubeConfig $KubeConfig -Verbose 4>&1)
        $verbose = @($alerts | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $alerts = @($alerts | Where-Object { $_ -is [AksSecurity.FalcoAlert] })
        $alerts.Rule | Should -Be @('Terminal shell in container', 'Read sensitive file untrusted')
        $alerts[0].Priority | Should -Be ([AksSecurity.FalcoPriority]::Critical)
        $alerts[0].Node | Should -Be $Pods[0].spec.nodeName
        $alerts[0].Fields['proc.cmdline'] | Should -Be 'sh -c clear; (bash || ash || sh)'
        $alerts[1].Namespace | Should -Be 'payments'
        @($verbose.Message -like "$($Pods[0].metadata.name) on *1 line(s) skipped*").Count | Should -Be 1
        ($alerts[0] | Format-Table | Out-String) | Should -Match 'Terminal shell in container'
    }

    It 'filters by -MinimumPriority, -Rule wildcards and -Since' {
        (Get-AksFalcoAlert -KubeConfig $KubeConfig -MinimumPriority Critical).Rule | Should -Be 'Terminal shell in container'
        @(Get-AksFalcoAlert -KubeConfig $KubeConfig -MinimumPriority Warning).Count | Should -Be 2
        (Get-AksFalcoAlert -KubeConfig $KubeConfig -Rule '*SENSITIVE*').Rule | Should -Be 'Read sensitive file untrusted'
        (Get-AksFalcoAlert -KubeConfig $KubeConfig -Since (New-TimeSpan -Hours 1)).Rule | Should -Be 'Read sensitive file untrusted'
        @(Get-AksFalcoAlert -KubeConfig $KubeConfig -Since ([DateTime]'2023-01-01')).Count | Should -Be 2
    }

    It 'refuses a -Since that is neither a time nor a duration, and a namespace without Falco' {
        { Get-AksFalcoAlert -KubeConfig $KubeConfig -Since 'last tuesday' } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,*'
        $err = Get-ErrorOf { Get-AksFalcoAlert -KubeConfig $KubeConfig -Namespace default -ErrorAction Stop }
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -Match 'Install-AksFalco'
    }

    It '-Follow streams alerts as they are written until the pipeline has enough' {
        $pod = $Pods[2].metadata.name
        $writer = Start-ThreadJob -ScriptBlock {
            Import-Module $using:PSScriptRoot/FakeKubernetes.psm1
            Start-Sleep -Milliseconds 1500
            Add-FakeKubernetesPodLog -Server $using:Arm -Namespace falco -Pod $using:pod -Container falco -Text "$($using:AlertLine)`n"
        }
        try {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $alerts = @(Get-AksFalcoAlert -KubeConfig $KubeConfig -Follow | Select-Object -First 3)
            $watch.Elapsed.TotalSeconds | Should -BeGreaterThan 1
            $alerts.Count | Should -Be 3
            $alerts[2].FalcoPod | Should -Be $pod
        }
        finally {
            $writer | Wait-Job | Remove-Job
        }
    }
}
