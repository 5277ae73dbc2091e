BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Arm = Start-FakeArm
    $packages = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
    $script:OldAzureCore = Join-Path $packages 'azure.core/1.38.0/lib/net6.0/Azure.Core.dll'
}

AfterAll { Stop-FakeArm $Arm }

Describe 'Loading beside another Azure.Core (as Az.Accounts does)' {
    It 'runs end to end in a session that already holds Azure.Core 1.38.0, and again after Remove-Module' {
        Test-Path $OldAzureCore | Should -BeTrue -Because 'build.ps1 restores Azure.Core 1.38.0 for this test'
        # A fresh process: the older Azure.Core must be in the default context before the module is imported.
        $isolationScript = {
            param($OldAzureCore, $ModulePath, $ArmEndpoint)
            $ErrorActionPreference = 'Stop'
            $PSStyle.OutputRendering = 'PlainText'
            $old = [Reflection.Assembly]::LoadFrom($OldAzureCore)
            # Use it, as Az.Accounts would: a type from the older Azure.Core in the default context.
            $get = $old.GetType('Azure.Core.RequestMethod', $true)::Get
            $before = $old.GetName().Version.ToString()
            $run = {
                Connect-AksSecurity -AccessToken (ConvertTo-SecureString 'isolation-token' -AsPlainText -Force) -ArmEndpoint $ArmEndpoint | Out-Null
                $clusters = @(Get-AksCluster)
                $result = Get-AksCluster -ResourceGroupName rg1 -Name clustername1 | Test-AksApiAccess
                '{0}|{1}|{2}' -f $clusters.Count, $result.GetType().FullName, ($result.Findings.CheckId -join ',')
            }
            Import-Module $ModulePath
            $first = & $run
            $engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Azure.Core' } |
                ForEach-Object { '{0}@{1}' -f $_.GetName().Version, [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name }
            Remove-Module AksSecurity
            Import-Module $ModulePath
            $second = & $run
            [pscustomobject]@{ Before = $before; First = $first; Second = $second; AzureCores = ($engine | Sort-Object) -join ';'; After = $get.GetType().Assembly.GetName().Version.ToString() } |
                ConvertTo-Json -Compress
        }
        $json = & dotnet pwsh -NoProfile -NonInteractive -Command "& { $isolationScript } '$OldAzureCore' '$ModulePath' '$($Arm.ArmEndpoint)'" 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($json -join "`n")
        $outcome = ($json | Select-Object -Last 1) | ConvertFrom-Json

        $outcome.Before | Should -Be '1.38.0.0'
        $outcome.After | Should -Be '1.38.0.0' -Because 'the session keeps its own Azure.Core'
        $outcome.First | Should -Be '3|AksSecurity.ClusterTestResult|AKS-API-001,AKS-API-005,AKS-API-006,AKS-API-007'
        $outcome.Second | Should -Be $outcome.First
        $outcome.AzureCores | Should -Match '^1\.38\.0\.0@Default;1\.\d+\.0\.0@AksSecurity$'
    }
}
