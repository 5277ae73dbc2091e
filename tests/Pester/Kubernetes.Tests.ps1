# The Kubernetes layer through the built module: Get-AksKubeConfig against the fake ARM (whose credential actions reach the
# fake Kubernetes API server), and a session opened from a kubeconfig file inside the module's own load context.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:Arm = Start-FakeArm
    Connect-FakeArm | Out-Null
    $script:OpenId = Get-ClusterId rg1 clustername1

    function Get-KubeConfigText($KubeConfig) { $KubeConfig.Content | ConvertFrom-SecureString -AsPlainText }

    # The engine lives in the module's AssemblyLoadContext; a test reaches its types through that assembly.
    function Get-EngineType([string] $Name) {
        $engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'AksSecurity.Engine' } | Select-Object -First 1
        $engine.GetType($Name, $true)
    }
}

AfterAll {
    Disconnect-AksSecurity
    Stop-FakeArm $Arm
}

Describe 'Get-AksKubeConfig' {
    BeforeEach {
        Reset-FakeArm
        Reset-FakeKubernetes
    }

    It 'returns the user kubeconfig with its text hidden, and no stream carries the token' {
        $all = Get-AksKubeConfig -ResourceGroupName rg1 -Name clustername1 -Verbose -Debug *>&1
        $kubeConfig = $all | Where-Object { $_ -is [AksSecurity.AksKubeConfig] }
        $kubeConfig.Cluster | Should -Be 'clustername1'
        $kubeConfig.Authentication | Should -Be 'Token'
        $kubeConfig.Server | Should -Be $Arm.KubernetesEndpoint.TrimEnd('/')
        $kubeConfig.Content | Should -BeOfType [securestring]
        $token = [regex]::Match((Get-KubeConfigText $kubeConfig), 'token: (\S+)').Groups[1].Value
        $token | Should -Not -BeNullOrEmpty
        $shown = ($all | Out-String) + ($kubeConfig | Format-List * | Out-String) + "$kubeConfig"
        $shown | Should -Not -Match ([regex]::Escape($token))
        $shown | Should -Not -Match 'certificate-authority-data'
    }

    It 'writes the file owner-only, refuses to replace it without -Force, and renames the context' {
        $path = Join-Path $TestDrive 'aks.kubeconfig'
        $written = Get-AksKubeConfig -Id $OpenId -Path $path -Context pester-ctx
        $written.Path | Should -Be $path
        $written.Context | Should -Be 'pester-ctx'
        $text = Get-Content -Raw $path
        $text | Should -Match 'current-context: pester-ctx'
        if (-not $IsWindows) {
            (Get-Item $path).UnixFileMode | Should -Be ([IO.UnixFileMode]::UserRead -bor [IO.UnixFileMode]::UserWrite)
        }

        { Get-AksKubeConfig -Id $OpenId -Path $path -ErrorAction Stop } | Should -Throw -ExpectedMessage '*already exists; pass -Force*'
        Get-Content -Raw $path | Should -Be $text
        if (-not $IsWindows) { [IO.File]::SetUnixFileMode($path, [IO.UnixFileMode]'UserRead, UserWrite, OtherRead') }
        (Get-AksKubeConfig -Id $OpenId -Path $path -Admin -Force).Authentication | Should -Be 'ClientCertificate'
        if (-not $IsWindows) {
            (Get-Item $path).UnixFileMode | Should -Be ([IO.UnixFileMode]::UserRead -bor [IO.UnixFileMode]::UserWrite)
        }

        @(Get-ChildItem -Force $TestDrive -Filter '.aks.kubeconfig*').Count | Should -Be 0 -Because 'the temporary file is moved into place'
    }

    It 'takes clusters from Get-AksCluster and refuses -Admin when local accounts are disabled, per cluster' {
        $cluster = Get-FakeArmCluster $OpenId
        $cluster.properties | Add-Member -NotePropertyName disableLocalAccounts -NotePropertyValue $true -Force
        Set-FakeArmCluster $cluster | Out-Null
        Clear-FakeArmRequest
        $results = Get-AksCluster -ResourceGroupName rg1 | Get-AksKubeConfig -Admin -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $failures[0].Exception.Message | Should -Match 'local accounts disabled'
        $results.Cluster | Should -Not -Contain 'clustername1'
        $results.Count | Should -BeGreaterThan 0
        @(Get-FakeArmRequest | Where-Object { $_.path -match 'clustername1/listClusterAdminCredential' }).Count | Should -Be 0
    }

    It 'has no -WhatIf: it reads, and writes a file only when -Path asks' {
        (Get-Command Get-AksKubeConfig).Parameters.ContainsKey('WhatIf') | Should -BeFalse
    }
}

Describe 'A Kubernetes session from a kubeconfig file, inside the module' {
    It 'opens, talks to the API server, and KubernetesClient loads only in the module''s context' {
        $path = (New-FakeKubeConfig -Path (Join-Path $TestDrive 'fake.kubeconfig') -Context fake).FullName
        $target = (Get-EngineType 'AksSecurity.Engine.Kubernetes.KubernetesTarget')::FromKubeConfig($path, 'fake')
        $sink = (Get-EngineType 'AksSecurity.Engine.Azure.NullOperationSink')::Instance
        $session = (Get-EngineType 'AksSecurity.Engine.Kubernetes.KubernetesSession')::OpenAsync($target, $sink, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
        try {
            $session.Authentication | Should -Be 'Token'
            $session.GetServerVersionAsync([Threading.CancellationToken]::None).GetAwaiter().GetResult() | Should -Be 'v1.31.2'
        }
        finally {
            $session.Dispose()
        }

        $contexts = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -in 'KubernetesClient', 'YamlDotNet' } |
            ForEach-Object { '{0}@{1}' -f $_.GetName().Name, [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name } | Sort-Object -Unique
        $contexts | Should -Be @('KubernetesClient@AksSecurity', 'YamlDotNet@AksSecurity')
    }
}
