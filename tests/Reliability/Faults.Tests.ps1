# Faults: every change cmdlet and the audit under every fault case of FaultMatrix.ps1. The cases run together in
# BeforeAll (a runspace pool, phase by phase); each It then judges one case.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'FaultMatrix.ps1')
    . (Join-Path $PSScriptRoot 'KubernetesMatrix.ps1')
    $work = @(Get-FaultWork)
    $toolWork = @(Get-KubernetesWork | ForEach-Object { @{ Key = $_.Key; Command = $_.Command; CaseName = $_.CaseName } })
    $applicable = @($work | Where-Object { -not $_.Skip } | ForEach-Object { @{ Key = $_.Key; Command = $_.Command; CaseName = $_.CaseName } }) +
    @($KubernetesFaultCases | ForEach-Object { @{ Key = "k8s:$($_.Object)"; Command = 'Kubernetes core'; CaseName = $_.Name } }) + $toolWork
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'FaultMatrix.ps1')
    . (Join-Path $PSScriptRoot 'KubernetesMatrix.ps1')
    Import-Module $ModulePath -Force
    # The in-cluster lanes (processes with fake servers of their own) run while the ARM matrix runs here.
    $laneClock = [Diagnostics.Stopwatch]::StartNew()
    $lanes = foreach ($lane in 0..2) {
        $resultFile = Join-Path $TestDrive "k8s-lane$lane.jsonl"
        $arguments = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'KubernetesFaultRunner.ps1'), '-Lane', $lane, '-Lanes', 3,
            '-WorkDirectory', (Join-Path $TestDrive "k8s-lane$lane"), '-ResultFile', $resultFile)
        $exe = [Environment]::ProcessPath
        if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $arguments = @((Join-Path $PSHOME 'pwsh.dll')) + $arguments }
        [pscustomobject]@{ Process = Start-Process -FilePath $exe -ArgumentList $arguments -PassThru -RedirectStandardOutput "$resultFile.out" -RedirectStandardError "$resultFile.err"
            ResultFile = $resultFile }
    }
    $script:Arm = Start-FakeArm
    $work = @(Get-FaultWork)
    $script:Results = @{}
    foreach ($result in Invoke-FaultMatrix -Work $work) { $Results[$result.Key] = $result }
    foreach ($result in Invoke-KubernetesFaultCases -WorkDirectory $TestDrive) { $Results[$result.Key] = $result }
    $script:LaneErrors = foreach ($lane in $lanes) {
        if (-not $lane.Process.WaitForExit([int][math]::Max(1000, 180000 - $laneClock.ElapsedMilliseconds))) { $lane.Process.Kill($true); "lane $($lane.ResultFile) still running after 180 s" }
        elseif ($lane.Process.ExitCode -ne 0) { "lane $($lane.ResultFile) exited $($lane.Process.ExitCode): $(Get-Content -Raw "$($lane.ResultFile).err")" }
        if (Test-Path $lane.ResultFile) { foreach ($result in Get-Content $lane.ResultFile | ConvertFrom-Json) { $Results[$result.Key] = $result } }
    }
    $script:KubernetesOrphans = @($KubernetesOrphans) + @($Results.Values | Where-Object { $_.PSObject.Properties['Orphans'] } | ForEach-Object { $_.Orphans })
    Write-Host "  faults, in-cluster tools: $(@($Results.Values | Where-Object Key -like 'k[0-9]*').Count) cases in 3 lanes, $([math]::Round($laneClock.Elapsed.TotalSeconds, 1)) s"
    $all = @($Results.Values)
    Write-ReliabilityFigures 'faults' @{
        Injected = @($all | Where-Object Injected).Count
        Survived = @($all | Where-Object Survived).Count
        Cases = $all.Count
        LostUpdates = @($all | Where-Object LostUpdate).Count
        # Kubernetes objects left behind with the module's labels (and kube-bench Jobs and pods).
        Orphans = @($KubernetesOrphans).Count
    }
}

AfterAll {
    Disconnect-AksSecurity
    Stop-FakeArm $Arm
}

Describe 'The faults matrix covers the module' {
    It 'has a row for every cmdlet that changes a cluster or what runs in it' {
        $rows = @($ChangeRows.Command) + @($KubernetesToolRows.Command) | Sort-Object
        Get-ChangeCmdletName | Where-Object { $_ -notin $rows } | Should -BeNullOrEmpty -Because 'a new Set-/Enable-/Disable-/Install-/Uninstall-/Invoke-/New- cmdlet needs a row in tests/Reliability/Common.ps1'
    }

    It 'ran every in-cluster lane to its end' {
        $LaneErrors | Should -BeNullOrEmpty
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
        @($KubernetesOrphans | ForEach-Object { if ($_.metadata) { $_.metadata.name } else { $_ } }) | Should -BeNullOrEmpty
    }
}
