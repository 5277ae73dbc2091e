# New-AksSecretProviderClass and Test-AksSecretStore through the built module, against the fake Kubernetes API server.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:Arm = Start-FakeArm
    Connect-FakeArm | Out-Null
    $script:KubeConfig = (New-FakeKubeConfig -Path (Join-Path $TestDrive 'kubeconfig')).FullName
    $script:Crd = Get-Content -Raw (Join-Path $PSScriptRoot 'fixtures/secrets-store-csi/secretproviderclasses-crd.json')
    $script:Tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47'
    $script:Client = '11111111-2222-3333-4444-555555555555'
    $script:Azure = @{ Provider = 'Azure'; KeyVaultName = 'kv-payments'; TenantId = $Tenant; ClientId = $Client; Object = @(@{ Name = 'db-password' }, @{ Name = 'api'; Type = 'Cert'; Alias = 'api.pem' }) }
    $script:Vault = @{ Provider = 'Vault'; VaultAddress = 'https://vault.example.com:8200'; RoleName = 'db-app'; Object = @(@{ ObjectName = 'password'; SecretPath = 'secret/data/db'; SecretKey = 'password' }) }

    function Get-ErrorOf([scriptblock] $ScriptBlock) {
        try { & $ScriptBlock | Out-Null; $null } catch { $_ }
    }

    function Get-Spc([string] $Name, [string] $Namespace = 'default') {
        Get-FakeKubernetesObject -ApiVersion secrets-store.csi.x-k8s.io/v1 -Kind SecretProviderClass -Namespace $Namespace -Name $Name
    }
}

AfterAll {
    Disconnect-AksSecurity
    Stop-FakeArm $Arm
}

Describe 'New-AksSecretProviderClass' {
    BeforeEach {
        Reset-FakeKubernetes
        Set-FakeKubernetesObject $Crd | Out-Null
        Clear-FakeKubernetesRequest
    }

    It 'writes a Key Vault class with workload identity to -OutFile and sends nothing' {
        $file = Join-Path $TestDrive 'kv.yaml'
        $written = New-AksSecretProviderClass -OutFile $file -ClassName payments-kv @Azure -SyncSecretName db
        $written | Should -BeOfType ([IO.FileInfo])
        $text = Get-Content -Raw $file
        $text | Should -Match 'apiVersion: secrets-store.csi.x-k8s.io/v1'
        $text | Should -Match "clientID: $Client"
        $text | Should -Match 'secretName: db'
        $text | Should -Not -Match 'namespace:'
        @(Get-FakeKubernetesRequest).Count | Should -Be 0

        { New-AksSecretProviderClass -OutFile $file -ClassName payments-kv @Azure -ErrorAction Stop } | Should -Throw -ErrorId 'FileExists,*'
        New-AksSecretProviderClass -OutFile $file -ClassName other @Vault -Force | Out-Null
        Get-Content -Raw $file | Should -Match 'vaultAddress: https://vault.example.com:8200'
        New-AksSecretProviderClass -OutFile (Join-Path $TestDrive 'whatif.yaml') -ClassName x @Vault -WhatIf
        Join-Path $TestDrive 'whatif.yaml' | Should -Not -Exist
    }

    It 'applies a class to a cluster once: a re-run sends no change and -WhatIf only GETs' {
        $change = New-AksSecretProviderClass -KubeConfig $KubeConfig -Namespace default -ClassName payments-kv @Azure -Confirm:$false
        $change.Action | Should -Be 'Created'
        $change.Kind | Should -Be 'SecretProviderClass'
        $live = Get-Spc payments-kv
        $live.spec.parameters.clientID | Should -Be $Client
        $live.metadata.labels.'app.kubernetes.io/managed-by' | Should -Be 'AksSecurity'

        Clear-FakeKubernetesRequest
        New-AksSecretProviderClass -KubeConfig $KubeConfig -ClassName payments-kv @Azure -Confirm:$false | Should -BeNullOrEmpty
        @(Get-FakeKubernetesRequest | Where-Object method -ne 'GET').Count | Should -Be 0

        $changed = $Azure.Clone()
        $changed.KeyVaultName = 'kv-other'
        $text = Get-HostOutput { New-AksSecretProviderClass -KubeConfig $KubeConfig -ClassName payments-kv @changed -WhatIf }
        $text | Should -Match 'spec.parameters.keyvaultName'
        @(Get-FakeKubernetesRequest | Where-Object method -ne 'GET').Count | Should -Be 0
        (Get-Spc payments-kv).spec.parameters.keyvaultName | Should -Be 'kv-payments'
    }

    It 'warns that a node identity is the less isolated choice' {
        $node = $Azure.Clone()
        $node.Remove('ClientId')
        New-AksSecretProviderClass -OutFile (Join-Path $TestDrive 'node.yaml') -ClassName node @node -UserAssignedIdentityId $Client -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
        $warnings | Should -Match 'every pod on those nodes'
        Get-Content -Raw (Join-Path $TestDrive 'node.yaml') | Should -Match 'useVMManagedIdentity: "true"'
    }

    It 'refuses <Case> as an invalid argument and sends nothing' -ForEach @(
        @{ Case = 'an http Vault address'; Arguments = @{ Provider = 'Vault'; VaultAddress = 'http://vault:8200'; RoleName = 'r'; Object = @{ ObjectName = 'a'; SecretPath = 'p'; SecretKey = 'k' } }; Message = 'only https' }
        @{ Case = 'a Vault address without a host'; Arguments = @{ Provider = 'Vault'; VaultAddress = 'https://'; RoleName = 'r'; Object = @{ ObjectName = 'a'; SecretPath = 'p'; SecretKey = 'k' } }; Message = 'is not a Vault address' }
        @{ Case = 'a bad Key Vault name'; Arguments = @{ Provider = 'Azure'; KeyVaultName = 'kv_bad'; TenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47'; ClientId = '11111111-2222-3333-4444-555555555555'; Object = @{ Name = 'a' } }; Message = 'not a valid Key Vault name' }
        @{ Case = 'a tenant that is not a GUID'; Arguments = @{ Provider = 'Azure'; KeyVaultName = 'kv1'; TenantId = 'contoso.com'; ClientId = '11111111-2222-3333-4444-555555555555'; Object = @{ Name = 'a' } }; Message = 'is not a tenant id' }
        @{ Case = 'an unknown object key'; Arguments = @{ Provider = 'Azure'; KeyVaultName = 'kv1'; TenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47'; ClientId = '11111111-2222-3333-4444-555555555555'; Object = @{ Nmae = 'a' } }; Message = "has the key 'Nmae'" }
        @{ Case = 'a Key Vault parameter with Vault'; Arguments = @{ Provider = 'Vault'; VaultAddress = 'https://vault'; RoleName = 'r'; TenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47'; Object = @{ ObjectName = 'a'; SecretPath = 'p'; SecretKey = 'k' } }; Message = 'does not apply to -Provider Vault' }
    ) {
        $err = Get-ErrorOf { New-AksSecretProviderClass -KubeConfig $KubeConfig -ClassName x @Arguments -Confirm:$false }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match ([regex]::Escape($Message))
        @(Get-FakeKubernetesRequest).Count | Should -Be 0
    }
}

Describe 'Test-AksSecretStore' {
    BeforeAll {
        function Set-AddonDaemonSet([string] $Name, [int] $Ready) {
            Set-FakeKubernetesObject @{
                apiVersion = 'apps/v1'; kind = 'DaemonSet'; metadata = @{ name = $Name; namespace = 'kube-system' }
                spec = @{ selector = @{ matchLabels = @{ app = $Name } }; template = @{ metadata = @{ labels = @{ app = $Name } } } }
                status = @{ desiredNumberScheduled = 3; numberReady = $Ready }
            } | Out-Null
        }
    }

    BeforeEach {
        Reset-FakeKubernetes
        Set-FakeKubernetesObject $Crd | Out-Null
    }

    It 'passes a healthy add-on whose classes use workload identity' {
        Set-AddonDaemonSet aks-secrets-store-csi-driver 3
        Set-AddonDaemonSet aks-secrets-store-provider-azure 3
        New-AksSecretProviderClass -KubeConfig $KubeConfig -ClassName good @Azure -Confirm:$false | Out-Null
        New-AksSecretProviderClass -KubeConfig $KubeConfig -ClassName vault @Vault -Confirm:$false | Out-Null

        $result = Test-AksSecretStore -KubeConfig $KubeConfig
        $result | Should -BeOfType ([AksSecurity.ClusterTestResult])
        $result.Passed | Should -BeTrue
        $result.ChecksRun.Count | Should -Be 8
    }

    It 'reports a missing driver, a node identity and pod identity, naming the object and field' {
        Set-AddonDaemonSet aks-secrets-store-provider-azure 1
        foreach ($class in @(
                @{ name = 'node'; parameters = @{ useVMManagedIdentity = 'true'; userAssignedIdentityID = $Client; keyvaultName = 'kv'; tenantID = $Tenant } }
                @{ name = 'pod'; parameters = @{ usePodIdentity = 'true'; keyvaultName = 'kv'; tenantId = $Tenant } })) {
            Set-FakeKubernetesObject @{ apiVersion = 'secrets-store.csi.x-k8s.io/v1'; kind = 'SecretProviderClass'; metadata = @{ name = $class.name; namespace = 'default' }; spec = @{ provider = 'azure'; parameters = $class.parameters } } | Out-Null
        }

        $result = Test-AksSecretStore -Id (Get-ClusterId rg1 clustername1)
        $result.ClusterName | Should -Be 'clustername1'
        $result.Findings.CheckId | Should -Be @('AKS-SSC-001', 'AKS-SSC-002', 'AKS-SSC-004', 'AKS-SSC-005')
        ($result.Findings | Where-Object CheckId -eq 'AKS-SSC-004').Evidence | Should -Match 'default/pod spec.parameters.usePodIdentity is "true"'
        ($result.Findings | Where-Object CheckId -eq 'AKS-SSC-002').Evidence | Should -Match 'numberReady is 1'
        $result.HighestSeverity | Should -Be 'High'
    }
}
