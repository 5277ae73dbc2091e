#Requires -Version 7.4
<#
.SYNOPSIS
    Runs the bad-input corpus (BadInputCorpus.ps1) against the built module, in a process of its own so that a crash
    (stack overflow on a deep document, out of memory on a huge one) is seen as one instead of ending the suite.
    Writes one JSON line per case to -ResultFile: a "started" line before the case, its result after it.
#>
param(
    [Parameter(Mandatory)][string] $ArmEndpoint,
    [Parameter(Mandatory)][string] $KubernetesEndpoint,
    [Parameter(Mandatory)][string] $WorkDirectory,
    [Parameter(Mandatory)][string] $ResultFile
)

$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'Common.ps1')
. (Join-Path $PSScriptRoot 'BadInputCorpus.ps1')
$script:Arm = [pscustomobject]@{ ArmEndpoint = $ArmEndpoint; KubernetesEndpoint = $KubernetesEndpoint }
Import-Module $ModulePath
Connect-AksSecurity -AccessToken (ConvertTo-SecureString 'bad-input-token' -AsPlainText -Force) -ArmEndpoint $ArmEndpoint -Subscription $Sub0 -MaxRetryCount 0 | Out-Null
Set-FakeArmOption @{ lroPollsBeforeDone = 0 } -Server $Arm

$goodId = Get-ClusterId rg1 clustername1
New-BadFiles -Directory $WorkDirectory -GoodDocument (Get-Content -Raw (Join-Path $ExamplesDirectory 'dev-open.json'))
$kubeConfigFile = New-FakeKubeConfig -Path (Join-Path $WorkDirectory 'fake.kubeconfig') -ClientCertificate -Server $Arm
New-BadKubernetesFiles -Directory $WorkDirectory -KubeConfig (Get-Content -Raw $kubeConfigFile)
Set-Location $WorkDirectory
$goodResult = Test-AksSecurity -Path 'good.json'

function Write-CaseLine($Object) { Add-Content -LiteralPath $ResultFile -Value (ConvertTo-Json -InputObject $Object -Compress -Depth 5) }

function Get-Arguments($Row) {
    $arguments = @{}
    foreach ($entry in ($Row.With ?? @{}).GetEnumerator()) {
        $arguments[$entry.Key] = switch ($entry.Value) {
            'GoodResult' { $goodResult }
            'token' { ConvertTo-SecureString 'bad-input-token' -AsPlainText -Force }
            default { $entry.Value }
        }
    }
    if ($Row.Command -eq 'Export-AksSecurityReport') { $arguments.Force = $true }
    $command = Get-Command $Row.Command
    if ($command.Parameters.ContainsKey('Confirm') -and -not $arguments.ContainsKey('WhatIf')) { $arguments.Confirm = $false }
    if ($command.Parameters.ContainsKey('PassThru') -and $Row.Pipeline) { $arguments.PassThru = $true }
    $arguments
}

function Measure-GoodRequests($Row) {
    # What the good item alone sends to ARM and to the fake cluster (after one warm-up run, so a change already made is
    # not made again): a pipeline case may send that much and no more.
    if (-not ($Row.Pipeline -and $Row.Parameter -eq 'Id')) { return @{ Arm = 0; Kubernetes = 0 } }
    $arguments = Get-Arguments $Row
    foreach ($run in 1, 2) {
        Invoke-FakeArmJson Delete 'requests' | Out-Null
        Clear-FakeKubernetesRequest -Server $Arm
        $null = [pscustomobject]@{ Id = $goodId } | & $Row.Command @arguments -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
    }
    @{ Arm = @(Invoke-FakeArmJson Get 'requests').Count; Kubernetes = @(Get-FakeKubernetesRequest -Server $Arm).Count }
}

foreach ($row in $BadInputRows | Where-Object { -not $_.Pending }) {
    $goodRequests = Measure-GoodRequests $row
    for ($i = 0; $i -lt $row.Values.Count; $i++) {
        $value = $row.Values[$i]
        $key = '{0} -{1} #{2}' -f $row.Command, $row.Parameter, $i
        Write-CaseLine @{ Key = $key; Started = $true }
        Invoke-FakeArmJson Delete 'requests' | Out-Null
        Clear-FakeKubernetesRequest -Server $Arm
        $arguments = Get-Arguments $row
        $failures = $null
        $terminating = $null
        $output = @()
        try {
            if ($row.Pipeline -and $row.Parameter -eq 'Id') {
                $output = @([pscustomobject]@{ Id = $value }, [pscustomobject]@{ Id = $goodId } | & $row.Command @arguments -ErrorVariable failures -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
            }
            elseif ($row.Pipeline -and $row.Parameter -eq 'InputObject') {
                $output = @($value, $goodResult | & $row.Command @arguments -ErrorVariable failures -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
            }
            elseif ($row.Pipeline) {
                $arguments[$row.Parameter] = @($value, 'good.json')
                $output = @(& $row.Command @arguments -ErrorVariable failures -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
            }
            else {
                $arguments[$row.Parameter] = $value
                if (-not $row.NoId) { $arguments.Id = $goodId }
                $output = @(& $row.Command @arguments -ErrorVariable failures -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
            }
        }
        catch {
            $terminating = $_
        }
        # -ErrorVariable holds a terminating error as its exception; the catch as a record: one list of records.
        $records = @(@($failures) + @($terminating) | Where-Object { $_ } | ForEach-Object {
                if ($_ -is [System.Management.Automation.ErrorRecord]) { $_ } elseif ($_ -is [System.Management.Automation.IContainsErrorRecord]) { $_.ErrorRecord }
            } | Select-Object -Unique)
        $requests = @(Invoke-FakeArmJson Get 'requests')
        # The good item of a pipeline may send what it sends alone; anything more was sent for the bad input.
        $forBad = @($requests | Select-Object -Skip $goodRequests.Arm)
        # And the fake cluster's journal: reads only where the row allows them.
        $forBad += @(Get-FakeKubernetesRequest -Server $Arm | Select-Object -Skip $goodRequests.Kubernetes | Where-Object { -not $row.ReadsAllowed -or $_.method -ne 'GET' })
        $first = $records | Select-Object -First 1
        Write-CaseLine @{
            Key = $key; Input = $row.Input; Command = $row.Command; Parameter = $row.Parameter
            Value = if ("$value".Length -gt 80) { "$("$value".Substring(0, 60))… ($("$value".Length) chars)" } else { "$value" }
            Errors = $records.Count
            Category = if ($first) { "$($first.CategoryInfo.Category)" }
            ErrorId = if ($first) { $first.FullyQualifiedErrorId }
            Message = if ($first) { $first.Exception.Message }
            Clear = $records.Count -gt 0 -and -not ($records | Where-Object { -not (Test-ClearError $_) })
            Expected = @($row.Category)
            RequestsSent = $forBad.Count
            Writes = @($requests | Where-Object method -in 'PUT', 'POST', 'DELETE').Count
            SentPaths = @($forBad | Select-Object -First 3 | ForEach-Object { "$($_.method) $($_.path)" })
            GoodProcessed = if ($row.Pipeline) { $output.Count -ge 1 } else { $null }
        }
    }
}

foreach ($row in $GoodFileRows) {
    $key = '{0} accepts {1}' -f $row.Command, $row.File
    Write-CaseLine @{ Key = $key; Started = $true }
    $failures = $null
    $arguments = Get-Arguments $row
    $arguments[$row.Parameter ?? 'Path'] = $row.File
    $output = @(& $row.Command @arguments -ErrorVariable failures -ErrorAction SilentlyContinue)
    Write-CaseLine @{ Key = $key; Input = $row.Input; Command = $row.Command; Accepted = $true; Value = $row.File; Results = $output.Count; Expected = $row.Results ?? 1
        Errors = @($failures).Count; Message = if ($failures) { $failures[0].Exception.Message } }
}
