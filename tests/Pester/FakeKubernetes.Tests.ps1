# The fake Kubernetes API server as Pester drives it (FakeKubernetes.psm1), out of process beside the fake ARM.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Arm = Start-FakeArm

    function Invoke-Kube([string] $Path, [string] $Method = 'Get', [string] $Token, $Body, [string] $ContentType = 'application/json') {
        $request = @{ Uri = "$($Arm.KubernetesEndpoint)$($Path.TrimStart('/'))"; Method = $Method; SkipHttpErrorCheck = $true; Headers = @{ Authorization = "Bearer $Token" } }
        if ($null -ne $Body) { $request.Body = $Body | ConvertTo-Json -Depth 32; $request.ContentType = $ContentType }
        $response = Invoke-WebRequest @request
        [pscustomobject]@{ Status = [int] $response.StatusCode; Body = $response.Content | ConvertFrom-Json -Depth 32 -DateKind String }
    }
}

AfterAll {
    Stop-FakeArm
}

Describe 'FakeKubernetes.psm1' {
    BeforeEach {
        Reset-FakeArm
        Reset-FakeKubernetes
        $kubeconfig = New-FakeKubeConfig -Path (Join-Path $TestDrive 'kubeconfig') -Context 'fake'
        $script:Token = [regex]::Match((Get-Content -Raw $kubeconfig.FullName), 'token: (\S+)').Groups[1].Value
    }

    It 'writes a kubeconfig for the fake Kubernetes endpoint with the CA inline' {
        $text = Get-Content -Raw (Join-Path $TestDrive 'kubeconfig')
        $text | Should -Match ([regex]::Escape("server: $($Arm.KubernetesEndpoint.TrimEnd('/'))"))
        $text | Should -Match 'certificate-authority-data: '
        $text | Should -Match 'current-context: fake'
        if (-not $IsWindows) { (Get-Item (Join-Path $TestDrive 'kubeconfig')).UnixFileMode | Should -Be ([IO.UnixFileMode]::UserRead -bor [IO.UnixFileMode]::UserWrite) }
        (New-FakeKubeConfig -Path (Join-Path $TestDrive 'admin') -ClientCertificate | Get-Content -Raw) | Should -Match 'client-certificate-data: '
    }

    It 'seeds, reads and removes objects, and serves them over the API' {
        Set-FakeKubernetesObject @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'seeded'; namespace = 'default' }; data = @{ a = '1' } } |
            ForEach-Object { $_.metadata.resourceVersion } | Should -Not -BeNullOrEmpty
        (Invoke-Kube '/api/v1/namespaces/default/configmaps/seeded' -Token $Token).Body.data.a | Should -Be '1'
        (Get-FakeKubernetesObject -ApiVersion v1 -Kind Node).Count | Should -Be 3
        Remove-FakeKubernetesObject -ApiVersion v1 -Kind ConfigMap -Namespace default -Name seeded
        $missing = Invoke-Kube '/api/v1/namespaces/default/configmaps/seeded' -Token $Token
        $missing.Status | Should -Be 404
        $missing.Body.reason | Should -Be 'NotFound'
    }

    It 'records requests without the credential and injects faults' {
        Add-FakeKubernetesFault -Method GET -PathContains '/nodes' -Action Status -Status 503 -RetryAfterSeconds 1
        (Invoke-Kube '/api/v1/nodes' -Token $Token).Status | Should -Be 503
        (Invoke-Kube '/api/v1/nodes' -Token $Token).Status | Should -Be 200
        $requests = @(Get-FakeKubernetesRequest -PathContains '/nodes')
        $requests.status | Should -Be @(503, 200)
        $requests[0].authKind | Should -Be 'Token'
        ($requests | ConvertTo-Json) | Should -Not -Match ([regex]::Escape($Token))
        Clear-FakeKubernetesRequest
        @(Get-FakeKubernetesRequest).Count | Should -Be 0
    }

    It 'plays a Job to completion with the chosen log and serves appended pod logs' {
        Set-FakeKubernetesOption @{ kubeBenchLog = '{"Controls":[]}'; podPhaseDelayMs = 20 }
        $job = @{ apiVersion = 'batch/v1'; kind = 'Job'; metadata = @{ name = 'kb'; namespace = 'default' }
            spec = @{ template = @{ spec = @{ restartPolicy = 'Never'; nodeSelector = @{ 'kubernetes.io/hostname' = 'aks-nodepool1-12345678-vmss000002' }
                        containers = @(@{ name = 'kube-bench'; image = 'docker.io/aquasec/kube-bench:v0.15.6' }) } } } }
        (Invoke-Kube '/apis/batch/v1/namespaces/default/jobs' -Method Post -Token $Token -Body $job).Status | Should -Be 201
        Start-Sleep -Milliseconds 100
        (Get-FakeKubernetesObject -ApiVersion batch/v1 -Kind Job -Namespace default -Name kb).status.succeeded | Should -Be 1
        $pod = Get-FakeKubernetesObject -ApiVersion v1 -Kind Pod -Namespace default
        $pod.spec.nodeName | Should -Be 'aks-nodepool1-12345678-vmss000002'
        Add-FakeKubernetesPodLog -Namespace default -Pod $pod.metadata.name -Text 'extra line'
        $log = Invoke-WebRequest -Uri "$($Arm.KubernetesEndpoint)api/v1/namespaces/default/pods/$($pod.metadata.name)/log" -Headers @{ Authorization = "Bearer $Token" }
        $log.Content | Should -Be "{`"Controls`":[]}`nextra line`n"
    }

    It 'accepts tokens registered for the test and refuses forbidden ones with 403' {
        Add-FakeKubernetesToken -Token 'pester-k8s-token' -User 'pester'
        Add-FakeKubernetesToken -Token 'pester-denied' -Forbidden
        (Invoke-Kube '/api/v1/namespaces' -Token 'pester-k8s-token').Status | Should -Be 200
        $denied = Invoke-Kube '/api/v1/namespaces' -Token 'pester-denied'
        $denied.Status | Should -Be 403
        $denied.Body.reason | Should -Be 'Forbidden'
    }
}
