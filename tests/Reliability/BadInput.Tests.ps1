# Bad input: every value of BadInputCorpus.ps1 answered with a clear ErrorRecord of the right category, nothing sent to
# ARM or the fake Kubernetes API server for it, the good item after it still processed. The corpus runs in a child
# process (BadInputRunner.ps1), so a crash shows as one: a case that started and never reported.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'BadInputCorpus.ps1')
    $cases = foreach ($row in $BadInputRows) {
        for ($i = 0; $i -lt $row.Values.Count; $i++) { @{ Key = '{0} -{1} #{2}' -f $row.Command, $row.Parameter, $i; Input = $row.Input; Pending = $row.Pending } }
    }
    $accepted = foreach ($row in $GoodFileRows) { @{ Key = '{0} accepts {1}' -f $row.Command, $row.File } }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Arm = Start-FakeArm
    $work = Join-Path $TestDrive 'corpus'
    $resultFile = Join-Path $TestDrive 'bad-inputs.jsonl'
    $pwshDll = Join-Path $PSHOME 'pwsh.dll'
    $host_ = [Environment]::ProcessPath
    $arguments = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'BadInputRunner.ps1'), '-ArmEndpoint', $Arm.ArmEndpoint, '-KubernetesEndpoint', $Arm.KubernetesEndpoint, '-WorkDirectory', $work, '-ResultFile', $resultFile)
    if ([IO.Path]::GetFileNameWithoutExtension($host_) -eq 'dotnet') { & $host_ $pwshDll @arguments } else { & $host_ @arguments }
    $script:RunnerExit = $LASTEXITCODE
    $lines = @(Get-Content $resultFile | ConvertFrom-Json)
    $script:Results = @{}
    foreach ($line in $lines) {
        # A case that started but never reported crashed the process.
        if ($line.PSObject.Properties['Started']) { $Results[$line.Key] = [pscustomobject]@{ Key = $line.Key; Crashed = $true } }
        else { $Results[$line.Key] = $line }
    }
    $all = @($Results.Values | Where-Object { -not $_.PSObject.Properties['Accepted'] })
    $clear = @($all | Where-Object { -not $_.PSObject.Properties['Crashed'] -and $_.Clear -and $_.Errors -ge 1 -and $_.Category -in $_.Expected -and $_.GoodProcessed -ne $false })
    $crashes = @($all | Where-Object { $_.PSObject.Properties['Crashed'] -or ($_.Errors -ge 1 -and -not $_.Clear) })
    Write-ReliabilityFigures 'badinputs' @{
        Tried = $all.Count
        AnsweredClearly = $clear.Count
        Crashes = $crashes.Count + ($RunnerExit -ne 0 ? 1 : 0)
        RequestsSent = ($all | Where-Object { $_.PSObject.Properties['RequestsSent'] } | Measure-Object RequestsSent -Sum).Sum
    }
}

AfterAll {
    Stop-FakeArm $Arm
}

Describe 'Bad input runner' {
    It 'ran to its end' { $RunnerExit | Should -Be 0 }
}

Describe '<Input>: <Key>' -ForEach $cases {
    It 'is answered clearly, sends nothing and lets the pipeline go on' -Skip:([bool]$Pending) {
        $result = $Results[$Key]
        $result | Should -Not -BeNullOrEmpty -Because 'the runner reaches every case'
        $result.PSObject.Properties['Crashed'] | Should -BeNullOrEmpty -Because 'the process survives every input'
        "$($result.Value): $($result.Message)" | Should -Not -BeNullOrEmpty
        $result.Errors | Should -BeGreaterOrEqual 1 -Because "'$($result.Value)' must be refused"
        $result.Category | Should -BeIn $result.Expected -Because $result.Message
        $result.Clear | Should -BeTrue -Because "the error must be clear: $($result.ErrorId): $($result.Message)"
        $result.RequestsSent | Should -Be 0 -Because "nothing may be sent for '$($result.Value)': $($result.SentPaths -join ', ')"
        if ($null -ne $result.GoodProcessed) { $result.GoodProcessed | Should -BeTrue -Because 'the good item after the bad one is still processed' }
    }
}

Describe 'Accepted input: <Key>' -ForEach $accepted {
    It 'is used like any other file' {
        $result = $Results[$Key]
        $result.Errors | Should -Be 0 -Because $result.Message
        $result.Results | Should -Be $result.Expected
    }
}
