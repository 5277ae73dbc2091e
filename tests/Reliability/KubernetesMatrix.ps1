# The faults matrix of the in-cluster tool cmdlets ($KubernetesToolRows of Common.ps1) against the fake Kubernetes API
# server. Cases run one after another on a lane's own fake cluster (KubernetesFaultRunner.ps1; several lanes at once),
# each from a reset cluster and its row's Setup. A case gives:
#   Transient  a fault rule for each of the row's Points (apply/list/log): the run must succeed after retrying, with the
#              output and the cluster a fault-free run gives
#   Conflict   another field manager owns a field the row applies: a clear ConcurrentChange error, the other value intact;
#              then -Force takes the field and the cluster ends as intended
#   Hang       kube-bench's Jobs never start: a clear timeout within -Timeout, no Job, pod or namespace left
#   CtrlC      Apply: stopped while an object is being applied, then a re-run completes; Jobs: stopped while waiting on
#              kube-bench's Jobs, nothing left behind
# Orphans: objects carrying the module's labels (or kube-bench's Jobs and pods) that the fault-free run does not leave.
$script:KubernetesToolCases = @(
    @{ Name = '429 with Retry-After'; Transient = @{ Action = 'Status'; Status = 429; RetryAfterSeconds = 1 } }
    @{ Name = '429 without Retry-After'; Transient = @{ Action = 'Status'; Status = 429 } }
    @{ Name = '500'; Transient = @{ Action = 'Status'; Status = 500 } }
    @{ Name = '503'; Transient = @{ Action = 'Status'; Status = 503 } }
    @{ Name = 'connection reset'; Transient = @{ Action = 'Reset' } }
    @{ Name = '409 field-manager conflict on apply, then -Force'; Conflict = $true }
    @{ Name = 'Job never starts'; Hang = $true }
    @{ Name = 'Ctrl+C at apply, then a re-run'; CtrlC = 'Apply' }
    @{ Name = 'Ctrl+C while waiting on Jobs'; CtrlC = 'Jobs' }
)

function Get-KubernetesWork {
    # Every (row, case, point) that applies, in a stable order (the lanes split it by position).
    $index = 0
    foreach ($row in $KubernetesToolRows) {
        foreach ($case in $KubernetesToolCases) {
            $points = if ($case.Transient) { $row.Points }
            elseif ($case.Conflict -and $row.Conflict) { @{ Stage = 'apply' } }
            elseif ($case.Hang -and $row.Held -and $row.Held.Jobs) { @{ Stage = 'wait' } }
            elseif ($case.CtrlC -eq 'Apply' -and $row.Held -and $row.Held.Method) { @{ Stage = 'apply' } }
            elseif ($case.CtrlC -eq 'Jobs' -and $row.Held -and $row.Held.Jobs) { @{ Stage = 'wait' } }
            foreach ($point in $points) {
                $index++
                [pscustomobject]@{ Key = 'k{0:d3}' -f $index; Row = $row; Case = $case; Point = $point; Command = $row.Command
                    CaseName = if ($case.Transient) { "$($case.Name) on $($point.Stage)" } else { $case.Name } }
            }
        }
    }
}

function Get-KubernetesLane($Work, [int] $Lanes) {
    <# The lane of a case: contiguous shares of about equal run time (a lane sees few rows, so it makes few fault-free
       runs). kube-bench's cases wait on its Jobs (about 2.7 s), the others take about 0.8 s. #>
    if (-not $script:LaneOf) {
        $all = @(Get-KubernetesWork)
        $costs = @($all | ForEach-Object { if ($_.Command -eq 'Invoke-AksKubeBench') { 2.7 } else { 0.8 } })
        $share = ($costs | Measure-Object -Sum).Sum / $Lanes
        $script:LaneOf = @{}
        $sum = 0
        for ($i = 0; $i -lt $all.Count; $i++) {
            $LaneOf[$all[$i].Key] = [math]::Min($Lanes - 1, [math]::Floor(($sum + $costs[$i] / 2) / $share))
            $sum += $costs[$i]
        }
    }
    $LaneOf[$Work.Key]
}

# The kinds whose objects the module or its tools create (what a state snapshot and the orphan count look at).
$script:KubernetesKinds = @(
    @('v1', 'Namespace'), @('v1', 'ServiceAccount'), @('v1', 'ConfigMap'), @('v1', 'Secret'), @('v1', 'Pod'), @('apps/v1', 'DaemonSet'), @('batch/v1', 'Job'),
    @('rbac.authorization.k8s.io/v1', 'ClusterRole'), @('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'), @('rbac.authorization.k8s.io/v1', 'Role'),
    @('rbac.authorization.k8s.io/v1', 'RoleBinding'), @('secrets-store.csi.x-k8s.io/v1', 'SecretProviderClass')
)

function Test-ModuleObject($Object) {
    $labels = $Object.metadata.labels
    if (-not $labels) { return $false }
    [bool](@($labels.PSObject.Properties.Name) -like 'aks-security.io/*') -or $labels.'app.kubernetes.io/managed-by' -eq 'AksSecurity'
}

function Get-KubernetesState {
    <# The objects of the module (and kube-bench's Jobs and pods) as sorted lines: kind, namespace/name and, for objects
       that are not pods or Jobs (their names are generated), their data/spec; pods by their owner. #>
    $lines = foreach ($kind in $KubernetesKinds) {
        if ($kind[1] -eq 'SecretProviderClass' -and -not (Get-FakeKubernetesObject -ApiVersion apiextensions.k8s.io/v1 -Kind CustomResourceDefinition |
                    Where-Object { $_.metadata.name -eq 'secretproviderclasses.secrets-store.csi.x-k8s.io' })) { continue }
        foreach ($object in @(Get-FakeKubernetesObject -ApiVersion $kind[0] -Kind $kind[1])) {
            if (-not $object -or -not ((Test-ModuleObject $object) -or $object.metadata.name -like 'kube-bench-*' -or $object.metadata.namespace -eq 'aks-security-kube-bench')) { continue }
            $where = "$($kind[1]) $($object.metadata.namespace)/"
            switch ($kind[1]) {
                'Pod' { "$where$(@($object.metadata.ownerReferences)[0].name -replace 'kube-bench-\w{5}-', 'kube-bench-{run}-') pod" }
                'Job' { "$where$($object.metadata.name -replace 'kube-bench-\w{5}-', 'kube-bench-{run}-')" }
                default {
                    $content = foreach ($member in 'data', 'spec', 'rules', 'roleRef', 'subjects') {
                        if ($object.PSObject.Properties[$member]) { "$member=$(ConvertTo-Json -InputObject $object.$member -Depth 30 -Compress)" }
                    }
                    "$where$($object.metadata.name) $($content -join ' ')"
                }
            }
        }
    }
    @($lines | Sort-Object)
}

function Add-SecretProviderClassCrd {
    Set-FakeKubernetesObject (Get-Content -Raw (Join-Path $RepoRoot 'tests/Pester/fixtures/secrets-store-csi/secretproviderclasses-crd.json')) | Out-Null
}

function Add-FalcoAlertLog {
    # Two alerts on the first Falco pod (the fixture's alert and a Warning one).
    $alert = (Get-Content -Raw (Join-Path $RepoRoot 'tests/AksSecurity.Engine.Tests/TestData/falco/alerts/terminal-shell-in-container.falco-website.json')).Trim()
    $warning = ($alert | ConvertFrom-Json -AsHashtable)
    $warning.rule = 'Read sensitive file untrusted'
    $warning.priority = 'Warning'
    $pod = @(Get-FakeKubernetesObject -ApiVersion v1 -Kind Pod -Namespace falco | Sort-Object { $_.metadata.name })[0]
    Add-FakeKubernetesPodLog -Namespace falco -Pod $pod.metadata.name -Container falco -Text "$alert`n$(ConvertTo-Json -InputObject $warning -Compress -Depth 10)`n"
}

function Reset-KubernetesLane([object] $Row) {
    Reset-FakeKubernetes
    Set-FakeKubernetesOption @{ podPhaseDelayMs = 50 }
    if ($Row.Setup) { & $Row.Setup }
    Clear-FakeKubernetesRequest
}

function Start-ToolRun($Row, $Worker, [hashtable] $Extra = @{}) {
    $ps = [powershell]::Create()
    $ps.Runspace = $Worker
    $null = $ps.AddCommand($Row.Command).AddParameter('KubeConfig', $KubeConfigPath)
    $arguments = @{} + $Row.Arguments
    foreach ($argument in $Extra.GetEnumerator()) { $arguments[$argument.Key] = $argument.Value }
    foreach ($argument in $arguments.GetEnumerator()) { $null = $ps.AddParameter($argument.Key, $argument.Value) }
    if ((Get-Command $Row.Command).Parameters.ContainsKey('Confirm')) { $null = $ps.AddParameter('Confirm', $false) }
    [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke(); Stopwatch = [Diagnostics.Stopwatch]::StartNew() }
}

function Complete-ToolRun($Run) {
    $ps = $Run.PowerShell
    $terminating = $null
    $output = try { @($ps.EndInvoke($Run.Handle)) } catch { $terminating = $_.Exception.InnerException ?? $_.Exception; @() }
    $Run.Stopwatch.Stop()
    $errors = @($ps.Streams.Error)
    if ($terminating -is [System.Management.Automation.IContainsErrorRecord] -and $terminating -isnot [System.Management.Automation.PipelineStoppedException]) { $errors += $terminating.ErrorRecord }
    $stopped = $ps.InvocationStateInfo.State -eq 'Stopped' -or $terminating -is [System.Management.Automation.PipelineStoppedException]
    $ps.Dispose()
    [pscustomobject]@{ Output = $output; Errors = $errors; Stopped = $stopped; Seconds = $Run.Stopwatch.Elapsed.TotalSeconds }
}

function Invoke-ToolRun($Row, $Worker, [hashtable] $Extra = @{}) { Complete-ToolRun (Start-ToolRun $Row $Worker $Extra) }

function Get-ToolBaseline($Row, $Worker) {
    # A fault-free run from a reset cluster: the output and the state every case of the row must end in.
    Reset-KubernetesLane $Row
    $run = Invoke-ToolRun $Row $Worker
    if ($run.Errors) { throw "The fault-free run of $($Row.Command) failed: $($run.Errors[0])" }
    @{ Output = $run.Output; State = Get-KubernetesState }
}

function Wait-JournalRequest([hashtable] $After, [int] $TimeoutMs = 20000) {
    # Until the fake has answered Count requests (Method, PathContains): the stage before the held one is done.
    $deadline = [DateTime]::UtcNow.AddMilliseconds($TimeoutMs)
    while ([DateTime]::UtcNow -lt $deadline) {
        if (@(Get-FakeKubernetesRequest -PathContains $After.PathContains -Method $After.Method).Count -ge $After.Count) { return $true }
        Start-Sleep -Milliseconds 50
    }
    $false
}

function Invoke-KubernetesCase($Work, $Baseline, $Worker) {
    $row = $Work.Row
    $case = $Work.Case
    $problems = [Collections.Generic.List[string]]::new()
    $lost = $false
    $injected = $false
    $stopwatch = [Diagnostics.Stopwatch]::StartNew()
    Reset-KubernetesLane $row
    $report = {
        param($Run, [string] $What)
        $unclear = @($Run.Errors | Where-Object { -not (Test-ClearError $_) })
        if ($unclear) { $problems.Add("$What, unclear error: $($unclear[0].FullyQualifiedErrorId): $($unclear[0].Exception.Message)") }
    }
    if ($case.Transient) {
        $fault = @{ Method = $Work.Point.Method; PathContains = $Work.Point.PathContains; Times = 1 } + $case.Transient
        Add-FakeKubernetesFault @fault
        $run = Invoke-ToolRun $row $Worker
        & $report $run 'run'
        if ($run.Errors) { $problems.Add("expected success after a retry, got $($run.Errors[0].CategoryInfo.Category): $($run.Errors[0].Exception.Message)") }
        elseif ($row.Verify -and -not (& $row.Verify $run.Output $Baseline.Output)) { $problems.Add("the output differs from a fault-free run's: $($run.Output | Out-String)") }
        $status = if ($case.Transient.Action -eq 'Reset') { 0 } else { $case.Transient.Status }
        $injected = [bool](Get-FakeKubernetesRequest -Method $Work.Point.Method -PathContains $Work.Point.PathContains | Where-Object status -eq $status)
    }
    elseif ($case.Conflict) {
        # After a fault-free install another team took one field over (Conflict.Path, members from the top), with a value
        # of its own (Conflict.Value, else a text).
        $c = $row.Conflict
        $null = Invoke-ToolRun $row $Worker
        $theirs = $c.Value ?? 'owned-by-other-team'
        $object = Get-FakeKubernetesObject -ApiVersion $c.ApiVersion -Kind $c.Kind -Namespace $c.Namespace -Name $c.Name | ConvertTo-Json -Depth 50 | ConvertFrom-Json -AsHashtable
        $parent = $object
        $owned = @{}
        $fields = $owned
        foreach ($member in @($c.Path | Select-Object -SkipLast 1)) { $parent = $parent[$member]; $fields["f:$member"] = @{}; $fields = $fields["f:$member"] }
        $parent[$c.Path[-1]] = $theirs
        $fields["f:$($c.Path[-1])"] = @{}
        $object.metadata.managedFields = @(@{ manager = 'other-team'; operation = 'Apply'; apiVersion = $c.ApiVersion; fieldsType = 'FieldsV1'; fieldsV1 = $owned })
        Set-FakeKubernetesObject $object | Out-Null
        Clear-FakeKubernetesRequest
        $theirsJson = ConvertTo-Json -InputObject $theirs -Depth 20 -Compress
        $readOther = {
            $live = Get-FakeKubernetesObject -ApiVersion $c.ApiVersion -Kind $c.Kind -Namespace $c.Namespace -Name $c.Name
            foreach ($member in $c.Path) { $live = $live.$member }
            ConvertTo-Json -InputObject $live -Depth 20 -Compress
        }
        $refused = Invoke-ToolRun $row $Worker
        & $report $refused 'without -Force'
        $injected = [bool](Get-FakeKubernetesRequest -Method PATCH -PathContains "/$($c.Name)" | Where-Object status -eq 409)
        $first = @($refused.Errors)[0]
        if (-not $first -or "$($first.CategoryInfo.Category)" -ne 'ResourceUnavailable' -or $first.Exception.Message -notmatch 'other-team') {
            $problems.Add("expected a clear ConcurrentChange error naming other-team, got: $(if ($first) { "$($first.CategoryInfo.Category): $($first.Exception.Message)" } else { 'none' })")
        }
        $lost = (& $readOther) -ne $theirsJson
        if ($lost) { $problems.Add("the other manager's value was overwritten without -Force: $(& $readOther)") }
        $forced = Invoke-ToolRun $row $Worker @{ Force = $true }
        & $report $forced 'with -Force'
        if ($forced.Errors) { $problems.Add("-Force did not take the field: $($forced.Errors[0].Exception.Message)") }
        if ((& $readOther) -eq $theirsJson) { $problems.Add('-Force left the other manager''s value') }
    }
    elseif ($case.Hang) {
        Set-FakeKubernetesOption @{ jobBehavior = 'Hang' }
        $run = Invoke-ToolRun $row $Worker @{ Timeout = [timespan]'00:00:03' }
        & $report $run 'run'
        $first = @($run.Errors)[0]
        if (-not $first -or "$($first.CategoryInfo.Category)" -ne 'OperationTimeout' -or $first.Exception.Message -notmatch 'did not finish .* within') {
            $problems.Add("expected a clear timeout, got: $(if ($first) { "$($first.CategoryInfo.Category): $($first.Exception.Message)" } else { 'none' })")
        }
        if ($run.Seconds -gt 20) { $problems.Add("the wait was not bounded by -Timeout 3 s: $([math]::Round($run.Seconds)) s") }
        $injected = [bool](Get-FakeKubernetesRequest -Method POST -PathContains '/jobs' | Where-Object status -eq 201)
    }
    elseif ($case.CtrlC) {
        $held = $row.Held
        if ($case.CtrlC -eq 'Jobs') { Set-FakeKubernetesOption @{ jobBehavior = 'Hang' } }
        else { Add-FakeKubernetesFault -Method $held.Method -PathContains $held.PathContains -Action Delay -DelayMs 30000 -Times 1 }
        $running = Start-ToolRun $row $Worker
        $reached = Wait-JournalRequest $held.After
        Start-Sleep -Milliseconds ($case.CtrlC -eq 'Jobs' ? 1000 : 500)
        $running.PowerShell.Stop()
        $run = Complete-ToolRun $running
        & $report $run 'stopped'
        if (-not $run.Stopped) { $problems.Add('expected the command to stop on Ctrl+C; it ran on') }
        # The stop came during the held request (or the wait) when the command ended long before it could have.
        $injected = $reached -and $run.Stopped -and $run.Seconds -lt 25
        if ($case.CtrlC -eq 'Apply') {
            $state = Get-KubernetesState
            $extra = @($state | Where-Object { $_ -notin $Baseline.State })
            if ($extra) { $problems.Add("objects a complete install does not have: $($extra -join '; ')") }
            $again = Invoke-ToolRun $row $Worker
            & $report $again 'the re-run'
            if ($again.Errors) { $problems.Add("the re-run failed: $($again.Errors[0].Exception.Message)") }
        }
    }
    # The cluster must end as the fault-free run left it; every other object of the module's is an orphan.
    $state = Get-KubernetesState
    if ($case.CtrlC -eq 'Jobs') {
        # Cleanup after a stop finishes within its own bound: give it a few seconds.
        for ($i = 0; $i -lt 50 -and "$state" -ne "$($Baseline.State)"; $i++) { Start-Sleep -Milliseconds 100; $state = Get-KubernetesState }
    }
    $orphans = @($state | Where-Object { $_ -notin $Baseline.State })
    if ($orphans) { $problems.Add("left behind: $($orphans -join '; ')") }
    elseif ("$state" -ne "$($Baseline.State)") { $problems.Add("the cluster is not as a fault-free run leaves it; missing: $(@($Baseline.State | Where-Object { $_ -notin $state }) -join '; ')") }
    if (-not $injected) { $problems.Add('the fault did not fire') }
    [pscustomobject]@{ Key = $Work.Key; Command = $row.Command; Case = $Work.CaseName; Injected = $injected; Survived = $problems.Count -eq 0; Problems = @($problems)
        LostUpdate = $lost; Orphans = @($orphans); Seconds = [math]::Round($stopwatch.Elapsed.TotalSeconds, 1) }
}
