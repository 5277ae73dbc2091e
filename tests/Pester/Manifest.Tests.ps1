BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $moduleDir = Split-Path $ModulePath
    $manifest = Test-ModuleManifest -Path $ModulePath
}

Describe 'The built module' {
    It 'carries the one version number of Directory.Build.props' {
        $version = ([xml](Get-Content -Raw (Join-Path $RepoRoot 'Directory.Build.props'))).Project.PropertyGroup.Version | Where-Object { $_ } | Select-Object -First 1
        $manifest.Version | Should -Be ([version]$version)
        Split-Path $moduleDir -Leaf | Should -Be $version
    }

    It 'requires PowerShell 7.4 and exports exactly the cmdlets it has' {
        $manifest.PowerShellVersion | Should -Be ([version]'7.4')
        $module = Import-Module $ModulePath -Force -PassThru
        @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($manifest.ExportedCmdlets.Keys | Sort-Object)
        $module.ExportedCmdlets.Count | Should -BeGreaterOrEqual 6
    }

    It 'keeps the cmdlets and model beside the manifest and every dependency in Dependencies/' {
        Test-Path (Join-Path $moduleDir 'AksSecurity.dll') | Should -BeTrue
        Test-Path (Join-Path $moduleDir 'AksSecurity.Model.dll') | Should -BeTrue
        Test-Path (Join-Path $moduleDir 'Dependencies/AksSecurity.Engine.dll') | Should -BeTrue
        Test-Path (Join-Path $moduleDir 'Dependencies/Azure.Core.dll') | Should -BeTrue
        Test-Path (Join-Path $moduleDir 'Dependencies/Azure.Identity.dll') | Should -BeTrue
        Test-Path (Join-Path $moduleDir 'Dependencies/AksSecurity.Model.dll') | Should -BeFalse -Because 'the model must load once, in the default context'
        @(Get-ChildItem $moduleDir -Filter 'Azure.*.dll') | Should -BeNullOrEmpty
        Test-Path (Join-Path $moduleDir 'en-US/AksSecurity.dll-Help.xml') | Should -BeTrue
    }

    It 'has release notes from the CHANGELOG' {
        $manifest.PrivateData.PSData.ReleaseNotes | Should -Match 'Test-AksApiAccess'
    }

    It 'has output types that script can name' {
        Import-Module $ModulePath -Force
        [AksSecurity.Finding].Assembly.GetName().Name | Should -Be 'AksSecurity.Model'
        [AksSecurity.ClusterTestResult] | Should -Not -BeNullOrEmpty
        [AksSecurity.AksCluster] | Should -Not -BeNullOrEmpty
        [AksSecurity.Severity]::Critical -gt [AksSecurity.Severity]::High | Should -BeTrue
    }

    It 'declares an output type on every cmdlet' {
        foreach ($command in Get-Command -Module AksSecurity | Where-Object Name -ne 'Disconnect-AksSecurity') {
            $command.OutputType.Name | Should -Not -BeNullOrEmpty -Because "$($command.Name) declares [OutputType]"
        }
    }

    It 'uses approved verbs only' {
        $approved = (Get-Verb).Verb
        foreach ($command in Get-Command -Module AksSecurity) {
            $approved | Should -Contain $command.Verb
        }
    }
}
