#Requires -Version 7.5
<#
    Drives the fake Azure Resource Manager (tests/AksSecurity.TestServers) from Pester: starts the exe out of
    process, then talks to its control API (/_fake/...). See tests/AksSecurity.TestServers/README.md.

    HTTPS to the fake is validated for real: start pwsh with SSL_CERT_FILE=<trust-bundle.pem> of the same CA
    directory (AKSSECURITY_TEST_CA_DIR), e.g. after `dotnet AksSecurity.TestServers.dll --ca-dir DIR --ca-only`.
#>
Set-StrictMode -Version Latest

$script:Current = $null

function Start-FakeArm {
    <#
    .SYNOPSIS
    Starts the fake ARM server and returns its endpoints; it stops by itself when this pwsh process exits.
    #>
    [CmdletBinding()]
    param(
        # Where the test CA lives; defaults to $env:AKSSECURITY_TEST_CA_DIR, else <temp>/aks-security-test-ca.
        [string] $CaDirectory = (Get-FakeArmCaDirectory),
        [int] $TimeoutSeconds = 30
    )

    $dll = Get-FakeArmDll
    $workDirectory = Join-Path ([IO.Path]::GetTempPath()) "fakearm-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory -Path $workDirectory | Out-Null
    $infoFile = Join-Path $workDirectory 'info.json'
    $stderr = Join-Path $workDirectory 'stderr.log'
    # Start-Process joins arguments with spaces, so each one is quoted.
    $arguments = @($dll, '--ca-dir', $CaDirectory, '--info-file', $infoFile, '--parent-pid', $PID) | ForEach-Object { '"{0}"' -f $_ }
    $process = Start-Process -FilePath (Get-DotnetPath) -ArgumentList $arguments -PassThru `
        -RedirectStandardOutput (Join-Path $workDirectory 'stdout.log') -RedirectStandardError $stderr

    # The exe writes the info file (temp + move) only once it is listening.
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (-not (Test-Path -LiteralPath $infoFile)) {
        if ($process.HasExited) {
            throw "The fake ARM server exited with code $($process.ExitCode): $(Get-Content -Raw -LiteralPath $stderr -ErrorAction SilentlyContinue)"
        }

        if ([DateTime]::UtcNow -gt $deadline) {
            Stop-Process -Id $process.Id -Force -ErrorAction SilentlyContinue
            throw "The fake ARM server did not start within $TimeoutSeconds s ($dll)."
        }

        Start-Sleep -Milliseconds 100
    }

    $info = Get-Content -Raw -LiteralPath $infoFile | ConvertFrom-Json
    $server = [pscustomobject]@{
        PSTypeName       = 'AksSecurity.FakeArm'
        ArmEndpoint      = $info.armEndpoint
        IdentityEndpoint = $info.identityEndpoint
        IdentityHeader   = $info.identityHeader
        # The fake Kubernetes API server started in the same process (FakeKubernetes.psm1 drives it).
        KubernetesEndpoint = $info.kubernetesEndpoint
        CaPem            = $info.caPem
        TrustBundle      = $info.trustBundle
        Process          = $process
        WorkDirectory    = $workDirectory
    }
    $script:Current = $server
    $server
}

function Stop-FakeArm {
    <#
    .SYNOPSIS
    Asks the server to shut down (kills it if it does not within 5 s) and removes its work directory.
    #>
    [CmdletBinding()]
    param([Parameter(Position = 0, ValueFromPipeline)] $Server = $script:Current)

    process {
        if ($null -eq $Server) {
            return
        }

        if (-not $Server.Process.HasExited) {
            try {
                Invoke-FakeArmControl -Server $Server -Method Post -Path 'shutdown' | Out-Null
            }
            catch {
                Write-Verbose "Shutdown request failed: $_"
            }

            if (-not $Server.Process.WaitForExit(5000)) {
                Stop-Process -Id $Server.Process.Id -Force -ErrorAction SilentlyContinue
            }
        }

        Remove-Item -LiteralPath $Server.WorkDirectory -Recurse -Force -ErrorAction SilentlyContinue
        if ($script:Current -eq $Server) {
            $script:Current = $null
        }
    }
}

function Reset-FakeArm {
    <#
    .SYNOPSIS
    Reseeds the clusters, clears faults, recorded requests and operations, and restores the start-up options.
    #>
    [CmdletBinding()]
    param($Server = $script:Current)

    Invoke-FakeArmControl -Server $Server -Method Post -Path 'reset' | Out-Null
}

function Add-FakeArmFault {
    <#
    .SYNOPSIS
    Injects a fault into matching requests (see FaultRule in the test server's README).
    .EXAMPLE
    Add-FakeArmFault -Method PUT -PathContains '/managedClusters/clustername1' -Action Status -Status 429 -RetryAfterSeconds 1
    .EXAMPLE
    Add-FakeArmFault -Method GET -PathContains 'clustername1' -Action ConcurrentWrite -JsonPath 'tags.owner' -Value 'someone-else'
    #>
    [CmdletBinding()]
    param(
        [string] $Method,
        [string] $PathContains,
        [Parameter(Mandatory)] [ValidateSet('Status', 'Reset', 'Delay', 'ConcurrentWrite')] [string] $Action,
        [int] $Status,
        [string] $ErrorCode,
        [string] $Message,
        [int] $RetryAfterSeconds,
        [int] $Times,
        [int] $Skip,
        [int] $DelayMs,
        [string] $JsonPath,
        [AllowNull()] [object] $Value,
        $Server = $script:Current
    )

    # Only what the caller gave is sent, so the server's defaults (Times 1, Status 500, ...) apply otherwise.
    $rule = [ordered]@{ action = $Action.Substring(0, 1).ToLowerInvariant() + $Action.Substring(1) }
    foreach ($name in 'Method', 'PathContains', 'Status', 'ErrorCode', 'Message', 'RetryAfterSeconds', 'Times', 'Skip', 'DelayMs', 'JsonPath', 'Value') {
        if ($PSBoundParameters.ContainsKey($name)) {
            $rule[$name.Substring(0, 1).ToLowerInvariant() + $name.Substring(1)] = $PSBoundParameters[$name]
        }
    }

    Invoke-FakeArmControl -Server $Server -Method Post -Path 'faults' -Body $rule | Out-Null
}

function Get-FakeArmRequest {
    <#
    .SYNOPSIS
    The requests the server recorded, in order (the Authorization value is redacted).
    #>
    [CmdletBinding()]
    param(
        [string] $Method,
        # Case-insensitive substring of the path.
        [string] $PathContains,
        $Server = $script:Current
    )

    Invoke-FakeArmControl -Server $Server -Method Get -Path 'requests' |
        Where-Object { (-not $Method -or $_.method -eq $Method) -and (-not $PathContains -or $_.path -like "*$([WildcardPattern]::Escape($PathContains))*") }
}

function Clear-FakeArmRequest {
    <#
    .SYNOPSIS
    Forgets the recorded requests.
    #>
    [CmdletBinding()]
    param($Server = $script:Current)

    Invoke-FakeArmControl -Server $Server -Method Delete -Path 'requests' | Out-Null
}

function Set-FakeArmOption {
    <#
    .SYNOPSIS
    Changes some options: lroPollsBeforeDone, lroMaxDurationMs, lroRetryAfterSeconds ($null = no header),
    lroFinalStatus (Succeeded/Failed/Canceled), tokenLifetimeSeconds, pageSize, identityHeader, latencyMs (added to
    every ARM request).
    .EXAMPLE
    Set-FakeArmOption @{ lroPollsBeforeDone = 3; lroFinalStatus = 'Failed' }
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] [hashtable] $Hashtable,
        $Server = $script:Current
    )

    Invoke-FakeArmControl -Server $Server -Method Put -Path 'options' -Body $Hashtable | Out-Null
}

function Get-FakeArmCluster {
    <#
    .SYNOPSIS
    The stored cluster document (not recorded as a request), or an error if there is none.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Id,
        $Server = $script:Current
    )

    Invoke-FakeArmControl -Server $Server -Method Get -Path "cluster?id=$([Uri]::EscapeDataString($Id))"
}

function Set-FakeArmCluster {
    <#
    .SYNOPSIS
    Seeds or replaces a cluster: the document's id says where; it gets a new eTag and provisioningState Succeeded.
    #>
    [CmdletBinding()]
    param(
        # A hashtable, an object (e.g. from Get-FakeArmCluster) or a JSON string.
        [Parameter(Mandatory, Position = 0)] [object] $Document,
        $Server = $script:Current
    )

    Invoke-FakeArmControl -Server $Server -Method Put -Path 'cluster' -Body $Document
}

function Get-FakeArmResource {
    <#
    .SYNOPSIS
    A stored resource beside the clusters (policy assignment, diagnostic setting, maintenance configuration, pricing,
    workspace, ...), not recorded as a request; an error if there is none.
    .EXAMPLE
    Get-FakeArmResource -Id "$clusterId/providers/Microsoft.Authorization/policyAssignments/aks-pod-security"
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Id,
        $Server = $script:Current
    )

    Invoke-FakeArmControl -Server $Server -Method Get -Path "resource?id=$([Uri]::EscapeDataString($Id))"
}

function Set-FakeArmResource {
    <#
    .SYNOPSIS
    Seeds or replaces a resource beside the clusters, stored as given (id and name filled in from -Id when absent).
    Returns the stored document.
    .EXAMPLE
    Set-FakeArmResource -Id '/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/policyAssignments/sub-baseline' -Document @{ properties = @{ policyDefinitionId = $baselineId } }
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Id,
        # A hashtable, an object (e.g. from Get-FakeArmResource) or a JSON string.
        [Parameter(Mandatory, Position = 1)] [object] $Document,
        $Server = $script:Current
    )

    Invoke-FakeArmControl -Server $Server -Method Put -Path "resource?id=$([Uri]::EscapeDataString($Id))" -Body $Document
}

function Initialize-FakeArmFleet {
    <#
    .SYNOPSIS
    Reseeds the fake, then adds -SubscriptionCount subscriptions (f1ee0001-0000-4000-8000-000000000000, ...) of
    -ClustersPerSubscription clusters each (rg-fleet/aks-001-001, ...), built from the seed's example clusters.
    Returns the new subscription ids. Faults, recorded requests and options are kept.
    .EXAMPLE
    Initialize-FakeArmFleet -SubscriptionCount 100 -ClustersPerSubscription 10
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [int] $SubscriptionCount,
        [Parameter(Mandatory)] [int] $ClustersPerSubscription,
        $Server = $script:Current
    )

    (Invoke-FakeArmControl -Server $Server -Method Post -Path 'seed-fleet' -Body @{ subscriptions = $SubscriptionCount; clustersPerSubscription = $ClustersPerSubscription }).subscriptionIds
}

function Start-FakeArmBackgroundOperation {
    <#
    .SYNOPSIS
    Simulates another party's operation: the cluster shows -State and PUT/DELETE get 409 until -DurationMs passed.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $ClusterId,
        [string] $State = 'Updating',
        [int] $DurationMs = 1500,
        $Server = $script:Current
    )

    Invoke-FakeArmControl -Server $Server -Method Post -Path 'background-operation' -Body @{ clusterId = $ClusterId; state = $State; durationMs = $DurationMs } | Out-Null
}

function Invoke-FakeArmControl {
    param($Server, [string] $Method, [string] $Path, $Body)

    if ($null -eq $Server) {
        throw 'No fake ARM server: call Start-FakeArm first or pass -Server.'
    }

    $request = @{ Method = $Method; Uri = "$($Server.ArmEndpoint)_fake/$Path"; ContentType = 'application/json' }
    if ($null -ne $Body) {
        $request.Body = if ($Body -is [string]) { $Body } else { ConvertTo-Json -InputObject $Body -Depth 64 -Compress }
    }

    # Parsed here rather than by Invoke-RestMethod, so ISO dates in cluster documents stay strings.
    $response = Invoke-WebRequest @request
    if ($response.Content) {
        ConvertFrom-Json -InputObject $response.Content -DateKind String -Depth 64
    }
}

function Get-FakeArmCaDirectory {
    if ($env:AKSSECURITY_TEST_CA_DIR) {
        return $env:AKSSECURITY_TEST_CA_DIR
    }

    Join-Path ([IO.Path]::GetTempPath()) 'aks-security-test-ca'
}

function Get-FakeArmDll {
    if ($env:AKSSECURITY_TESTSERVER_DLL) {
        if (-not (Test-Path -LiteralPath $env:AKSSECURITY_TESTSERVER_DLL)) {
            throw "AKSSECURITY_TESTSERVER_DLL points to '$env:AKSSECURITY_TESTSERVER_DLL', which does not exist."
        }

        return $env:AKSSECURITY_TESTSERVER_DLL
    }

    $repository = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
    foreach ($configuration in 'Release', 'Debug') {
        $candidate = Join-Path $repository "tests/AksSecurity.TestServers/bin/$configuration/net10.0/AksSecurity.TestServers.dll"
        if (Test-Path -LiteralPath $candidate) {
            return $candidate
        }
    }

    throw "AksSecurity.TestServers.dll not found: run 'dotnet build tests/AksSecurity.TestServers' or set AKSSECURITY_TESTSERVER_DLL."
}

function Get-DotnetPath {
    # Under `dotnet pwsh` this process is the dotnet host itself.
    $processPath = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($processPath) -eq 'dotnet') {
        return $processPath
    }

    $command = Get-Command -Name dotnet -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($command) {
        return $command.Source
    }

    if ($env:DOTNET_ROOT) {
        return Join-Path $env:DOTNET_ROOT 'dotnet'
    }

    throw 'dotnet was not found on PATH.'
}

# Removing the module stops the server it started last.
$ExecutionContext.SessionState.Module.OnRemove = { Stop-FakeArm }

Export-ModuleMember -Function Start-FakeArm, Stop-FakeArm, Reset-FakeArm, Add-FakeArmFault, Get-FakeArmRequest, Clear-FakeArmRequest,
    Set-FakeArmOption, Get-FakeArmCluster, Set-FakeArmCluster, Start-FakeArmBackgroundOperation, Get-FakeArmResource, Set-FakeArmResource,
    Initialize-FakeArmFleet
