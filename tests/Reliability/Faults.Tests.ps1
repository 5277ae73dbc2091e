# Faults: every change cmdlet and the audit under every fault case of FaultMatrix.ps1. The cases run together in
# BeforeAll (a runspace pool, phase by phase); each It then judges one case.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'FaultMatrix.ps1')
    $work = @(Get-FaultWork)
    $applicable = @($work | Where-Object { -not $_.Skip } | ForEach-Object { @{ Key = $_.Key; Command = $_.Command; CaseName = $_.CaseName } }) +
    @($KubernetesFaultCases | ForEach-Object { @{ Key = "k8s:$($_.Object)"; Command = 'Kubernetes core'; CaseName = $_.Name } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'FaultMatrix.ps1')
    Import-Module $ModulePath -Force
    $script:Arm = Start-FakeArm
    $work = @(Get-FaultWork)
    $script:Results = @{}
    foreach ($result in Invoke-FaultMatrix -Work $work) { $Results[$result.Key] = $result }
    foreach ($result in Invoke-KubernetesFaultCases -WorkDirectory $TestDrive) { $Results[$result.Key] = $result }
    $all = @($Results.Values)
    Write-ReliabilityFigures 'faults' @{
        Injected = @($all | Where-Object Injected).Count
        Survived = @($all | Where-Object Survived).Count
        Cases = $all.Count
        LostUpdates = @($all | Where-Object LostUpdate).Count
        # Kubernetes objects left behind with the module's label.
        Orphans = @($KubernetesOrphans).Count
    }
}

AfterAll {
    Disconnect-AksSecurity
    Stop-FakeArm $Arm
}

Describe 'The faults matrix covers the module' {
    It 'has a row for every cmdlet that changes a cluster' {
        $rows = $ChangeRows.Command | Sort-Object
        Get-ChangeCmdletName | Where-Object { $_ -notin $rows } | Should -BeNullOrEmpty -Because 'a new Set-/Enable-/Disable- cmdlet needs a row in tests/Reliability/Common.ps1'
    }
}

Describe '<Command> under <CaseName>' -ForEach $applicable {
    It 'ends as specified' {
        $result = $Results[$Key]
        $result | Should -Not -BeNullOrEmpty -Because 'every applicable case runs'
        $result.Problems -join '; ' | Should -BeNullOrEmpty
        $result.LostUpdate | Should -BeFalse
    }
}

Describe 'Fault figures' {
    It 'lost no concurrent change' {
        @($Results.Values | Where-Object LostUpdate).Key | Should -BeNullOrEmpty
    }

    It 'left no Kubernetes object behind' {
        @($KubernetesOrphans).metadata.name | Should -BeNullOrEmpty
    }
}
