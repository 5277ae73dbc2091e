# The faults matrix: one table of fault cases, run against every row of Common.ps1 ($ChangeRows, $ReaderRows). Each case
# runs on its own copy of the seed cluster (own name, own location, so its faults and its operation URLs are its own),
# many at a time in a runspace pool of the built module; cases that need other fake options or another connection run
# in their own phase. A case gives:
#   Faults       rules for a change row (scriptblock: $c = @{ Id; Name; Path; Operations } → FaultRule hashtables)
#   ReaderFaults  rules for a reader row (the audit, Get-AksKubeConfig); absent = does not apply to a cmdlet that only reads
#   Outcome      Success | Error (with Category and Message, a regex) | Stopped (Ctrl+C, see below)
#   State        what the cluster (and the resources beside it) must be afterwards, in the row's terms:
#                Intended (as a fault-free run leaves it), Original (untouched), ClusterIntended (the cluster as intended,
#                the resources beside it untouched: the change stopped after the cluster write)
#   Concurrent   a field another writer set between read and write, which must survive (else a lost update)
#   Phase        cases of one phase share fake options (Options) and a connection (Connect)
#   NeedsResources  applies only to rows that write resources beside the cluster
$script:FaultCases = @(
    @{ Name = '429 with Retry-After'; Outcome = 'Success'; State = 'Intended'
        Faults = { param($c) @{ Method = 'PUT'; PathContains = $c.Path; Action = 'Status'; Status = 429; ErrorCode = 'TooManyRequests'; RetryAfterSeconds = 1; Times = 1 } }
        ReaderFaults = { param($c) @{ PathContains = $c.Path; Action = 'Status'; Status = 429; ErrorCode = 'TooManyRequests'; RetryAfterSeconds = 1; Times = 1 } } }
    @{ Name = '429 without Retry-After'; Outcome = 'Success'; State = 'Intended'
        Faults = { param($c) @{ Method = 'PUT'; PathContains = $c.Path; Action = 'Status'; Status = 429; ErrorCode = 'TooManyRequests'; Times = 1 } }
        ReaderFaults = { param($c) @{ PathContains = $c.Path; Action = 'Status'; Status = 429; ErrorCode = 'TooManyRequests'; Times = 1 } } }
    foreach ($status in 500, 502, 503) {
        @{ Name = "$status"; Outcome = 'Success'; State = 'Intended'; StatusCode = $status
            Faults = { param($c) @{ Method = 'PUT'; PathContains = $c.Path; Action = 'Status'; Status = $c.Case.StatusCode; Times = 1 } }
            ReaderFaults = { param($c) @{ PathContains = $c.Path; Action = 'Status'; Status = $c.Case.StatusCode; Times = 1 } } }
    }
    @{ Name = 'connection reset mid-request'; Outcome = 'Success'; State = 'Intended'
        Faults = { param($c) @{ Method = 'PUT'; PathContains = $c.Path; Action = 'Reset'; Times = 1 } }
        ReaderFaults = { param($c) @{ PathContains = $c.Path; Action = 'Reset'; Times = 1 } } }
    @{ Name = 'connection reset mid-LRO'; Outcome = 'Success'; State = 'Intended'
        Faults = { param($c) @{ Method = 'GET'; PathContains = $c.Operations; Action = 'Reset'; Times = 1 } } }
    @{ Name = 'LRO ends Failed'; Phase = 'lro-failed'; Options = @{ lroFinalStatus = 'Failed' }
        Outcome = 'Error'; Category = 'InvalidOperation'; Message = 'ended Failed: OperationFailed'; State = 'ClusterIntended'; Faults = { } }
    @{ Name = 'LRO ends Canceled'; Phase = 'lro-canceled'; Options = @{ lroFinalStatus = 'Canceled' }
        Outcome = 'Error'; Category = 'InvalidOperation'; Message = 'ended Canceled: OperationCanceled'; State = 'ClusterIntended'; Faults = { } }
    # Bounded by Connect-AksSecurity -OperationTimeout (60 minutes by default): 3 s here.
    @{ Name = 'LRO never ends'; Phase = 'lro-endless'; Options = @{ lroPollsBeforeDone = 1000000; lroMaxDurationMs = 3600000 }; Connect = @{ OperationTimeout = [timespan]'00:00:03' }
        Outcome = 'Error'; Category = 'OperationTimeout'; Message = 'did not finish within 3 seconds'; State = 'ClusterIntended'; Faults = { } }
    # Another party's operation, started as the case starts (a phase of its own, so no case waits in the pool's queue
    # past it); the change waits for it (409), then applies.
    @{ Name = '409 operation in progress'; Phase = 'busy'; Outcome = 'Success'; State = 'Intended'; Fired = { param($c) @{ Method = 'PUT'; Path = $c.Path; Status = 409 } }
        Faults = { }; OnStart = { param($c) Start-FakeArmBackgroundOperation $c.Id -State Upgrading -DurationMs 4000 } }
    @{ Name = '412 concurrent writer'; Outcome = 'Success'; State = 'Intended'; Concurrent = @{ 'tags.owner' = 'someone-else' }; Fired = { param($c) @{ Method = 'PUT'; Path = $c.Path; Status = 412 } }
        Faults = { param($c) @{ Method = 'GET'; PathContains = $c.Path; Action = 'ConcurrentWrite'; JsonPath = 'tags.owner'; Value = 'someone-else'; Times = 1 } } }
    # The token is valid at the read and expired when the write (the audit: its first read) is served.
    @{ Name = 'token expires mid-run'; Phase = 'token-expiry'; Connect = @{ TokenLifetimeSeconds = 4 }; Fired = { param($c) @{ Path = $c.Path; Status = 401 } }
        Outcome = 'Error'; Category = 'AuthenticationError'; Message = 'ExpiredAuthenticationToken'; State = 'Original'
        Faults = { param($c) @{ Method = 'PUT'; PathContains = $c.Path; Action = 'Delay'; DelayMs = 6000; Times = 1 } }
        ReaderFaults = { param($c) @{ PathContains = $c.Path; Action = 'Delay'; DelayMs = 6000; Times = 1 } } }
    # Ctrl+C: the fake holds the stage's request (Held) for 30 s and PowerShell.Stop() comes from this thread AfterMs after
    # the cmdlet's own stream shows the stage began (Signal: its Debug/Verbose/Progress record matching Match, or its start).
    # The fake records a request only once answered, so the proof that the stop came while the request was held is the
    # cmdlet's -Debug stream: no line for that request's answer. One phase, with -Verbose -Debug on these cases only.
    @{ Name = 'Ctrl+C while reading'; Phase = 'ctrl-c'; Outcome = 'Stopped'; State = 'Original'; ForReaders = $true
        Held = { param($c) @{ Method = 'GET'; Path = $c.Path } }; Signal = { param($c) @{ Stream = 'Start'; AfterMs = 2000 } } }
    @{ Name = 'Ctrl+C while planning'; Phase = 'ctrl-c'; Outcome = 'Stopped'; State = 'Original'; NeedsResources = $true
        Held = { param($c) @{ Method = 'GET'; Path = "$($c.Path)/" } }; Signal = { param($c) @{ Stream = 'Debug'; Match = "GET \S+$($c.Name)\?\S+ -> 200"; AfterMs = 700 } } }
    @{ Name = 'Ctrl+C while writing'; Phase = 'ctrl-c'; Outcome = 'Stopped'; State = 'Original'
        Held = { param($c) @{ Method = 'PUT'; Path = $c.Path } }; Signal = { param($c) @{ Stream = 'Verbose'; Match = "on '$($c.Name)':\r?\n"; AfterMs = 700 } } }
    @{ Name = 'Ctrl+C while polling'; Phase = 'ctrl-c'; Outcome = 'Stopped'; State = 'ClusterIntended'
        Held = { param($c) @{ Method = 'GET'; Path = $c.Operations } }; Signal = { param($c) @{ Stream = 'Progress'; AfterMs = 1700 } } }
)

function Get-FaultWork {
    # Every (row, case) pair of the matrix with whether it applies, for the Pester cases and the figures.
    $rows = @($ChangeRows) + @($ReaderRows)
    for ($r = 0; $r -lt $rows.Count; $r++) {
        for ($f = 0; $f -lt $FaultCases.Count; $f++) {
            $row = $rows[$r]
            $case = $FaultCases[$f]
            $skip = if ($row.ReadOnly -and -not ($case.ReaderFaults -or $case.ForReaders)) { "$($row.Command) writes nothing and starts no operation" }
            elseif ($case.NeedsResources -and -not $row.ReadOnly -and -not $row.Resources) { "$($row.Command) plans without reading resources beside the cluster" }
            elseif ($case.NeedsResources -and $row.ReadOnly) { "$($row.Command) writes nothing" }
            [pscustomobject]@{ Key = 'r{0:d2}c{1:d2}' -f $r, $f; Row = $row; Case = $case; Command = $row.Command; CaseName = $case.Name; Skip = $skip }
        }
    }
}

function Connect-Reliability {
    param([timespan] $OperationTimeout, [int] $TokenLifetimeSeconds)
    $token = if ($TokenLifetimeSeconds) { "fake-at.$([DateTimeOffset]::UtcNow.AddSeconds($TokenLifetimeSeconds).ToUnixTimeSeconds()).$([guid]::NewGuid())" } else { 'reliability-token' }
    $connect = @{ AccessToken = (ConvertTo-SecureString $token -AsPlainText -Force); ArmEndpoint = $Arm.ArmEndpoint; Subscription = $Sub0; MaxRetryCount = 3 }
    if ($OperationTimeout) { $connect.OperationTimeout = $OperationTimeout }
    Connect-AksSecurity @connect | Out-Null
}

function New-ModulePool([int] $Size) {
    $state = [initialsessionstate]::CreateDefault2()
    $state.ImportPSModule($ModulePath)
    $pool = [runspacefactory]::CreateRunspacePool($state)
    $null = $pool.SetMaxRunspaces($Size)
    $pool.Open()
    # Every runspace made and the module imported before any case starts, so a case starts when it is started (the
    # 409 case's background operation runs for a few seconds only).
    $warming = @(1..$Size | ForEach-Object {
            $ps = [powershell]::Create()
            $ps.RunspacePool = $pool
            $null = $ps.AddScript('Start-Sleep -Milliseconds 500; Get-Command Get-AksCluster | Out-Null')
            [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
        })
    foreach ($warm in $warming) { $null = $warm.PowerShell.EndInvoke($warm.Handle); $warm.PowerShell.Dispose() }
    $pool
}

function Start-FaultCase($Work, $Pool) {
    $row = $Work.Row
    $name = "rel-$($Work.Key)"
    $id = New-CaseCluster -Name $name -Seed ($row.Seed ?? @{})
    $c = @{ Id = $id; Name = $name; Path = "/managedClusters/$name"; Operations = "/locations/loc$($name -replace '[^a-z0-9]', '')/operations/"; Case = $Work.Case }
    $held = if ($Work.Case.Held) { & $Work.Case.Held $c }
    # A reader's first request to the cluster may be a GET or a POST (credentials): hold whichever comes.
    if ($held -and $row.ReadOnly) { $held.Method = $null }
    $faults = if ($held) { { $rule = @{ PathContains = $held.Path; Action = 'Delay'; DelayMs = 30000; Times = 1 }; if ($held.Method) { $rule.Method = $held.Method }; $rule } }
    elseif ($row.ReadOnly) { $Work.Case.ReaderFaults } else { $Work.Case.Faults }
    $rules = @(& $faults $c | Where-Object { $_ -is [hashtable] })
    foreach ($rule in $rules) { Add-FakeArmFault @rule }
    # What the journal must show for the fault to count as injected: the request it answered with its status (0 = reset).
    $evidence = if ($Work.Case.Fired) { & $Work.Case.Fired $c }
    elseif ($rules -and $rules[0].Action -in 'Status', 'Reset') { @{ Method = $rules[0].Method; Path = $rules[0].PathContains; Status = $rules[0].Action -eq 'Reset' ? 0 : $rules[0].Status } }
    $ps = [powershell]::Create()
    $ps.RunspacePool = $Pool
    $null = $ps.AddCommand($row.Command).AddParameter('Id', $id)
    foreach ($argument in $row.Arguments.GetEnumerator()) { $null = $ps.AddParameter($argument.Key, $argument.Value) }
    if (-not $row.ReadOnly) { $null = $ps.AddParameter('Confirm', $false) }
    # -Debug on a compiled cmdlet turns warnings into prompts unless -WarningAction is given.
    if ($held) { $null = $ps.AddParameter('Verbose', $true).AddParameter('Debug', $true).AddParameter('WarningAction', 'Continue') }
    [pscustomobject]@{
        Work = $Work; Id = $id; Context = $c; Evidence = $evidence; PowerShell = $ps; Handle = $null; Stopwatch = $null
        Held = $held; Signal = if ($Work.Case.Signal) { & $Work.Case.Signal $c }; SignalSeen = $null; Stopped = $false
    }
}

function Test-StageSignal($Run) {
    # Has the cmdlet's own stream shown that the stage began?
    $signal = $Run.Signal
    if ($signal.Stream -eq 'Start') { return $true }
    $records = $Run.PowerShell.Streams.($signal.Stream)
    for ($i = 0; $i -lt $records.Count; $i++) {
        if (-not $signal.Match -or "$($records[$i])" -match $signal.Match) { return $true }
    }
    $false
}

function Wait-FaultCases($Running) {
    # Starts them all, stops the Ctrl+C cases when their request reaches the fake, and waits for every one.
    foreach ($run in $Running) {
        if ($run.Work.Case.OnStart) { & $run.Work.Case.OnStart $run.Context }
        $run.Stopwatch = [Diagnostics.Stopwatch]::StartNew()
        $run.Handle = $run.PowerShell.BeginInvoke()
    }
    $deadline = [DateTime]::UtcNow.AddSeconds(180)
    while (@($Running | Where-Object { -not $_.Handle.IsCompleted }).Count -gt 0) {
        foreach ($run in @($Running | Where-Object { $_.Signal -and -not $_.Stopped -and -not $_.Handle.IsCompleted })) {
            if (-not $run.SignalSeen -and (Test-StageSignal $run)) { $run.SignalSeen = $run.Stopwatch.ElapsedMilliseconds }
            if ($run.SignalSeen -and $run.Stopwatch.ElapsedMilliseconds -ge $run.SignalSeen + $run.Signal.AfterMs) {
                $run.Stopped = $true
                $null = $run.PowerShell.BeginStop($null, $null)
            }
        }
        if ([DateTime]::UtcNow -gt $deadline) { throw "Fault cases still running after 180 s: $(($Running | Where-Object { -not $_.Handle.IsCompleted }).Work.Key -join ', ')" }
        Start-Sleep -Milliseconds 100
    }
}

function Complete-FaultCase($Run, $Expected, $Journal) {
    # Reads the outcome, the error records and the cluster afterwards, and judges them against the case.
    $ps = $Run.PowerShell
    $terminating = $null
    $output = try { @($ps.EndInvoke($Run.Handle)) } catch { $terminating = $_.Exception.InnerException ?? $_.Exception; @() }
    $Run.Stopwatch.Stop()
    $errors = @($ps.Streams.Error)
    $debugLines = @($ps.Streams.Debug | ForEach-Object Message)
    $stopped = $ps.InvocationStateInfo.State -eq 'Stopped' -or $terminating -is [System.Management.Automation.PipelineStoppedException]
    $ps.Dispose()

    $case = $Run.Work.Case
    $row = $Run.Work.Row
    $expectedState = $Expected[$case.State]
    if ($case.Concurrent) { $expectedState = $Expected["$($case.State)+concurrent"] }
    $actualState = Get-ClusterState -Id $Run.Id -Resources $row.Resources
    $problems = [Collections.Generic.List[string]]::new()
    $unclear = @($errors | Where-Object { -not (Test-ClearError $_) })
    if ($unclear) { $problems.Add("unclear error: $($unclear[0].FullyQualifiedErrorId): $($unclear[0].Exception.Message)") }
    if ($terminating -and -not $stopped) { $problems.Add("terminating $($terminating.GetType().Name): $($terminating.Message)") }
    switch ($case.Outcome) {
        'Success' {
            if ($errors) { $problems.Add("expected success, got: $($errors[0].CategoryInfo.Category): $($errors[0].Exception.Message)") }
            if ($row.Verify -and -not (& $row.Verify $output $Expected)) { $problems.Add("the output differs from a fault-free run's: $($output | Out-String)") }
        }
        'Error' {
            if (-not $errors) { $problems.Add("expected a $($case.Category) error, got none") }
            elseif ("$($errors[0].CategoryInfo.Category)" -ne $case.Category -or $errors[0].Exception.Message -notmatch $case.Message) {
                $problems.Add("expected $($case.Category) /$($case.Message)/, got $($errors[0].CategoryInfo.Category): $($errors[0].Exception.Message)")
            }
        }
        'Stopped' { if (-not $stopped) { $problems.Add('expected the command to stop on Ctrl+C; it ran on') } }
    }
    $injected = if ($Run.Held) {
        # Stopped while the held request was out: the -Debug stream never saw its answer.
        $answered = "HTTP $($Run.Held.Method ?? '\S+') \S*$([regex]::Escape($Run.Held.Path))\S* ->"
        $Run.Stopped -and -not ($debugLines -match $answered)
    }
    elseif ($Run.Evidence) {
        $e = $Run.Evidence
        [bool]($Journal | Where-Object { (-not $e.Method -or $_.method -eq $e.Method) -and $_.path -like "*$($e.Path)*" -and $_.status -eq $e.Status })
    }
    else { $true }
    if (-not $injected) { $problems.Add('the fault did not fire') }
    $stateMatches = $actualState -eq $expectedState
    if (-not $stateMatches) { $problems.Add("cluster state afterwards is not $($case.State): $actualState") }
    $lost = $false
    if ($case.Concurrent) {
        $lost = -not ($actualState -match [regex]::Escape('"owner":"someone-else"'))
    }
    [pscustomobject]@{
        Key = $Run.Work.Key; Command = $row.Command; Case = $case.Name; Injected = $injected; Survived = $problems.Count -eq 0; Problems = @($problems)
        LostUpdate = $lost; Seconds = [math]::Round($Run.Stopwatch.Elapsed.TotalSeconds, 1)
    }
}

function Start-RowBaseline($Row, [string] $Key, $Pool) {
    # A fault-free run of the row on its own cluster (all rows at once): the states its cases must end in.
    $id = New-CaseCluster -Name "rel-$Key-base" -Seed ($Row.Seed ?? @{})
    $ps = [powershell]::Create()
    $ps.RunspacePool = $Pool
    $null = $ps.AddCommand($Row.Command).AddParameter('Id', $id)
    foreach ($argument in $Row.Arguments.GetEnumerator()) { $null = $ps.AddParameter($argument.Key, $argument.Value) }
    if (-not $Row.ReadOnly) { $null = $ps.AddParameter('Confirm', $false) }
    [pscustomobject]@{ Row = $Row; Id = $id; Original = Get-ClusterState -Id $id -Resources $Row.Resources; PowerShell = $ps; Handle = $ps.BeginInvoke() }
}

function Complete-RowBaseline($Baseline) {
    $Row = $Baseline.Row
    $id = $Baseline.Id
    $ps = $Baseline.PowerShell
    $output = @($ps.EndInvoke($Baseline.Handle))
    if ($ps.Streams.Error.Count -gt 0) { throw "The fault-free run of $($Row.Command) failed: $($ps.Streams.Error[0])" }
    $ps.Dispose()
    $original = $Baseline.Original
    $expected = @{ Original = $original }
    $intended = Get-ClusterState -Id $id -Resources $Row.Resources
    if (-not $Row.ReadOnly -and $intended -eq $original) { throw "The fault-free run of $($Row.Command) changed nothing: its row needs arguments or a seed that make it change the cluster." }
    $expected.Intended = $intended
    $expected.'Intended+concurrent' = Get-ClusterState -Id $id -Resources $Row.Resources -Edits @{ 'tags.owner' = 'someone-else' }
    # The cluster as intended with the resources beside it untouched: the original resources, the intended cluster.
    $clusterOnly = ConvertFrom-Json $intended -AsHashtable
    $originalParts = ConvertFrom-Json $original -AsHashtable
    foreach ($resource in $Row.Resources) { $clusterOnly[$resource] = $originalParts[$resource] }
    $expected.ClusterIntended = ConvertTo-CanonicalJson $clusterOnly
    $expected.Output = $output
    $expected
}

function Invoke-FaultMatrix {
    <# Runs every applicable case, phase by phase; returns one result per case. #>
    param([object[]] $Work, [int] $PoolSize = 16)
    $pool = New-ModulePool $PoolSize
    try {
        Connect-Reliability
        Set-FakeArmOption @{ lroPollsBeforeDone = 0 }
        $expectations = @{}
        $baselines = @{}
        foreach ($group in ($Work | Group-Object { $_.Key -replace 'c\d+$' })) {
            $baselines[$group.Name] = Start-RowBaseline -Row $group.Group[0].Row -Key $group.Name -Pool $pool
        }
        foreach ($key in $baselines.Keys) { $expectations[$key] = Complete-RowBaseline $baselines[$key] }

        $results = foreach ($phase in ($Work | Where-Object { -not $_.Skip } | Group-Object { $_.Case.Phase ?? 'default' })) {
            $case = $phase.Group[0].Case
            $options = @{ lroPollsBeforeDone = 0 }
            foreach ($option in ($case.Options ?? @{}).GetEnumerator()) { $options[$option.Key] = $option.Value }
            Set-FakeArmOption $options
            Invoke-FakeArmJson Delete 'requests' | Out-Null
            $running = @($phase.Group | ForEach-Object { Start-FaultCase $_ $pool })
            $connect = $case.Connect
            if ($connect) { Connect-Reliability @connect }
            try { Wait-FaultCases $running }
            finally {
                if ($case.Connect) { Connect-Reliability }
                # Back to the defaults, so an endless operation of this phase cannot hold later cases.
                Set-FakeArmOption @{ lroPollsBeforeDone = 0; lroFinalStatus = 'Succeeded'; lroMaxDurationMs = 2000 }
            }
            $journal = @(Invoke-FakeArmJson Get 'requests')
            Write-Host "  faults, phase $($phase.Name): $($running.Count) cases in $([math]::Round(($running.Stopwatch | Measure-Object -Property { $_.Elapsed.TotalSeconds } -Maximum).Maximum, 1)) s"
            foreach ($run in $running) { Complete-FaultCase $run $expectations[($run.Work.Key -replace 'c\d+$')] $journal }
        }
        $results
    }
    finally {
        $pool.Dispose()
    }
}

# The Kubernetes layer (AksSecurity.Engine.Kubernetes, reached inside the module's load context as the in-cluster cmdlets
# will reach it): server-side apply of a labelled ConfigMap under faults of the fake Kubernetes API server. Orphans are
# objects carrying the module's ownership label that no successful case meant to leave. The in-cluster tool cmdlets
# (Install-AksKured, Install-AksFalco, Invoke-AksKubeBench, …) become rows of the matrix above when they land.
$script:KubernetesFaultCases = @(
    @{ Name = 'Kubernetes apply: 409 conflict with another field manager'; Object = 'rel-conflict'; Outcome = 'Error'; Kind = 'ConcurrentChange'; Message = 'other-team' }
    @{ Name = 'Kubernetes apply: 429 with Retry-After'; Object = 'rel-throttled'; Outcome = 'Success'
        Fault = @{ Method = 'PATCH'; Action = 'Status'; Status = 429; RetryAfterSeconds = 1; Times = 1 } }
    @{ Name = 'Kubernetes apply: 503'; Object = 'rel-unavailable'; Outcome = 'Success'; Fault = @{ Method = 'PATCH'; Action = 'Status'; Status = 503; Times = 1 } }
    @{ Name = 'Kubernetes apply: connection reset'; Object = 'rel-reset'; Outcome = 'Success'; Fault = @{ Method = 'PATCH'; Action = 'Reset'; Times = 1 } }
)

function Get-EngineType([string] $Name) {
    $engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'AksSecurity.Engine' } | Select-Object -First 1
    $engine.GetType($Name, $true)
}

function Invoke-KubernetesFaultCases([string] $WorkDirectory) {
    $component = 'reliability'
    $path = (New-FakeKubeConfig -Path (Join-Path $WorkDirectory 'reliability.kubeconfig') -Context reliability).FullName
    $target = (Get-EngineType 'AksSecurity.Engine.Kubernetes.KubernetesTarget')::FromKubeConfig($path, 'reliability')
    $sink = (Get-EngineType 'AksSecurity.Engine.Azure.NullOperationSink')::Instance
    $ownership = Get-EngineType 'AksSecurity.Engine.Kubernetes.KubernetesOwnership'
    $none = [Threading.CancellationToken]::None
    # The engine's System.Text.Json may be its own copy in the module's load context: build manifests with that one.
    $jsonNode = (Get-EngineType 'AksSecurity.Engine.Kubernetes.KubernetesObjects').GetMethod('ApplyAsync').GetParameters()[0].ParameterType.Assembly.GetType('System.Text.Json.Nodes.JsonNode')
    $session = (Get-EngineType 'AksSecurity.Engine.Kubernetes.KubernetesSession')::OpenAsync($target, $sink, $none).GetAwaiter().GetResult()
    $intended = [Collections.Generic.List[string]]::new()
    try {
        foreach ($case in $KubernetesFaultCases) {
            $problems = [Collections.Generic.List[string]]::new()
            $lost = $false
            if ($case.Outcome -eq 'Error') {
                # Another team applied this ConfigMap first and owns data.owner.
                Set-FakeKubernetesObject @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = $case.Object; namespace = 'default'
                        managedFields = @(@{ manager = 'other-team'; operation = 'Apply'; apiVersion = 'v1'; fieldsType = 'FieldsV1'; fieldsV1 = @{ 'f:data' = @{ 'f:owner' = @{} } } }) }
                    data = @{ owner = 'other-team' } } | Out-Null
            }
            if ($case.Fault) { $fault = $case.Fault; Add-FakeKubernetesFault @fault -PathContains "/configmaps/$($case.Object)" }
            Clear-FakeKubernetesRequest
            $manifest = $jsonNode::Parse((ConvertTo-Json -Compress -Depth 5 @{ apiVersion = 'v1'; kind = 'ConfigMap'
                        metadata = @{ name = $case.Object; namespace = 'default' }; data = @{ owner = 'aks-security' } }))
            $null = $ownership::Mark($manifest, $component)
            $failure = $null
            try { $null = $session.Objects.ApplyAsync($manifest, $false, $none).GetAwaiter().GetResult() } catch { $failure = $_.Exception.InnerException ?? $_.Exception }
            while ($failure -and $failure -isnot [AksSecurity.AksSecurityException] -and $failure.InnerException) { $failure = $failure.InnerException }
            $live = Get-FakeKubernetesObject -ApiVersion v1 -Kind ConfigMap -Namespace default -Name $case.Object
            $requests = @(Get-FakeKubernetesRequest)
            $injected = if ($case.Fault) { [bool]($requests | Where-Object { $_.status -eq ($case.Fault.Action -eq 'Reset' ? 0 : $case.Fault.Status) }) } else { [bool]($requests | Where-Object status -eq 409) }
            if (-not $injected) { $problems.Add('the fault did not fire') }
            if ($case.Outcome -eq 'Success') {
                if ($failure) { $problems.Add("expected success, got $($failure.GetType().Name): $($failure.Message)") }
                if ($live.data.owner -ne 'aks-security') { $problems.Add("the object was not applied: $($live | ConvertTo-Json -Compress -Depth 5)") }
                $intended.Add($case.Object)
            }
            else {
                if ($failure -isnot [AksSecurity.AksSecurityException] -or "$($failure.Kind)" -ne $case.Kind -or $failure.Message -notmatch $case.Message) {
                    $problems.Add("expected a clear $($case.Kind) error naming $($case.Message), got $($failure.GetType().Name): $($failure.Message)")
                }
                $lost = $live.data.owner -ne 'other-team'
                if ($lost) { $problems.Add("the other manager's value was overwritten: $($live.data.owner)") }
            }
            [pscustomobject]@{ Key = "k8s:$($case.Object)"; Command = 'Kubernetes core'; Case = $case.Name; Injected = $injected; Survived = $problems.Count -eq 0
                Problems = @($problems); LostUpdate = $lost; Seconds = 0 }
        }
    }
    finally {
        $session.Dispose()
    }
    # Objects labelled as this module's that no successful case meant to leave (a refused apply must not leave its label).
    $labelled = @(Get-FakeKubernetesObject -ApiVersion v1 -Kind ConfigMap | Where-Object { $_.metadata.labels -and $_.metadata.labels.'aks-security.io/component' -eq $component })
    $script:KubernetesOrphans = @($labelled | Where-Object { $_.metadata.name -notin $intended })
}
