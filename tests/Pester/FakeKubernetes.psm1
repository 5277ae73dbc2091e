#Requires -Version 7.5
<#
    Drives the fake Kubernetes API server that Start-FakeArm (FakeArm.psm1) starts in the same process, through its
    control API (/_fake/k8s/... on the Kubernetes endpoint). See tests/AksSecurity.TestServers/README.md,
    "Fake Kubernetes API server". Every function takes -Server (an object from Start-FakeArm); by default the server
    FakeArm.psm1 started last.
#>
Set-StrictMode -Version Latest

function Get-FakeKubernetesObject {
    <#
    .SYNOPSIS
    One stored object (-Name), or all objects of a kind (without -Name; -Namespace omitted = every namespace). Not recorded.
    .EXAMPLE
    Get-FakeKubernetesObject -ApiVersion apps/v1 -Kind DaemonSet -Namespace kube-system -Name kured
    .EXAMPLE
    Get-FakeKubernetesObject -ApiVersion v1 -Kind Pod -Namespace aks-security
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $ApiVersion,
        [Parameter(Mandatory)] [string] $Kind,
        [string] $Namespace,
        [string] $Name,
        $Server
    )

    $query = "apiVersion=$([Uri]::EscapeDataString($ApiVersion))&kind=$([Uri]::EscapeDataString($Kind))"
    if ($Namespace) { $query += "&namespace=$([Uri]::EscapeDataString($Namespace))" }
    if ($Name) {
        Invoke-FakeKubernetesControl -Server $Server -Method Get -Path "object?$query&name=$([Uri]::EscapeDataString($Name))"
    }
    else {
        Invoke-FakeKubernetesControl -Server $Server -Method Get -Path "objects?$query" | ForEach-Object { $_ }
    }
}

function Set-FakeKubernetesObject {
    <#
    .SYNOPSIS
    Seeds or replaces an object, stored as given (status and managedFields included; uid, creationTimestamp and a new
    resourceVersion filled in). A Job or DaemonSet without status is played by its controller. Returns the stored object.
    .EXAMPLE
    Set-FakeKubernetesObject @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'x'; namespace = 'default' }; data = @{ a = '1' } }
    #>
    [CmdletBinding()]
    param(
        # A hashtable, an object (e.g. from Get-FakeKubernetesObject) or a JSON string.
        [Parameter(Mandatory, Position = 0)] [object] $Object,
        $Server
    )

    Invoke-FakeKubernetesControl -Server $Server -Method Put -Path 'object' -Body $Object
}

function Remove-FakeKubernetesObject {
    <#
    .SYNOPSIS
    Deletes an object and its dependents per -PropagationPolicy (Background by default). An error if there is none.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $ApiVersion,
        [Parameter(Mandatory)] [string] $Kind,
        [string] $Namespace,
        [Parameter(Mandatory)] [string] $Name,
        [ValidateSet('Background', 'Foreground', 'Orphan')] [string] $PropagationPolicy = 'Background',
        $Server
    )

    $query = "apiVersion=$([Uri]::EscapeDataString($ApiVersion))&kind=$([Uri]::EscapeDataString($Kind))&name=$([Uri]::EscapeDataString($Name))&propagationPolicy=$PropagationPolicy"
    if ($Namespace) { $query += "&namespace=$([Uri]::EscapeDataString($Namespace))" }
    Invoke-FakeKubernetesControl -Server $Server -Method Delete -Path "object?$query" | Out-Null
}

function Get-FakeKubernetesRequest {
    <#
    .SYNOPSIS
    The API requests the server recorded, in order: sequence, method, path, query, contentType, authKind (None, Token,
    EntraToken, ClientCertificate, Rejected), user, body, status, time. Credentials are never recorded.
    .EXAMPLE
    Get-FakeKubernetesRequest -Method PATCH -PathContains '/daemonsets/'
    #>
    [CmdletBinding()]
    param(
        [string] $Method,
        # Case-insensitive substring of the path.
        [string] $PathContains,
        $Server
    )

    Invoke-FakeKubernetesControl -Server $Server -Method Get -Path 'requests' | ForEach-Object { $_ } |
        Where-Object { (-not $Method -or $_.method -eq $Method) -and (-not $PathContains -or $_.path -like "*$([WildcardPattern]::Escape($PathContains))*") }
}

function Clear-FakeKubernetesRequest {
    <#
    .SYNOPSIS
    Forgets the recorded requests.
    #>
    [CmdletBinding()]
    param($Server)

    Invoke-FakeKubernetesControl -Server $Server -Method Delete -Path 'requests' | Out-Null
}

function Reset-FakeKubernetes {
    <#
    .SYNOPSIS
    Back to the seed (4 namespaces, 3 nodes), no logs, faults or recorded requests, start-up options. Tokens stay valid.
    #>
    [CmdletBinding()]
    param($Server)

    Invoke-FakeKubernetesControl -Server $Server -Method Post -Path 'reset' | Out-Null
}

function Add-FakeKubernetesFault {
    <#
    .SYNOPSIS
    Injects a fault into matching API requests: -Action Status answers a Status with -Status (and Retry-After),
    Reset aborts the connection, Delay waits -DelayMs first. -PathContains is a case-insensitive substring of the path.
    .EXAMPLE
    Add-FakeKubernetesFault -Method PATCH -PathContains '/daemonsets/kured' -Action Status -Status 429 -RetryAfterSeconds 1 -Times 2
    .EXAMPLE
    Add-FakeKubernetesFault -PathContains '/pods' -Action Reset
    #>
    [CmdletBinding()]
    param(
        [string] $Method,
        [string] $PathContains,
        [Parameter(Mandatory)] [ValidateSet('Status', 'Reset', 'Delay')] [string] $Action,
        [int] $Status,
        [string] $Message,
        [int] $RetryAfterSeconds,
        [int] $Times,
        [int] $Skip,
        [int] $DelayMs,
        $Server
    )

    $rule = [ordered]@{ action = $Action.ToLowerInvariant() }
    foreach ($name in 'Method', 'PathContains', 'Status', 'Message', 'RetryAfterSeconds', 'Times', 'Skip', 'DelayMs') {
        if ($PSBoundParameters.ContainsKey($name)) {
            $rule[$name.Substring(0, 1).ToLowerInvariant() + $name.Substring(1)] = $PSBoundParameters[$name]
        }
    }

    Invoke-FakeKubernetesControl -Server $Server -Method Post -Path 'faults' -Body $rule | Out-Null
}

function Add-FakeKubernetesPodLog {
    <#
    .SYNOPSIS
    Appends lines to a container's log (-Container omitted = the pod's first container); a follow=true reader gets them at once.
    .EXAMPLE
    Add-FakeKubernetesPodLog -Namespace falco -Pod $pod -Text (Get-Content -Raw alerts.jsonl)
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Namespace,
        [Parameter(Mandatory)] [string] $Pod,
        [string] $Container,
        [Parameter(Mandatory)] [string] $Text,
        # When the lines were written (default now): what sinceTime/sinceSeconds/timestamps see.
        [DateTimeOffset] $Time,
        $Server
    )

    $body = [ordered]@{ namespace = $Namespace; pod = $Pod; text = $Text }
    if ($Container) { $body.container = $Container }
    if ($PSBoundParameters.ContainsKey('Time')) { $body.time = $Time.ToString('o') }
    Invoke-FakeKubernetesControl -Server $Server -Method Post -Path 'pod-log' -Body $body | Out-Null
}

function Set-FakeKubernetesOption {
    <#
    .SYNOPSIS
    Changes some options: gitVersion, jobBehavior (Complete/Hang/Fail), podPhaseDelayMs, kubeBenchLog (text every Job
    pod prints; $null = the fixture output), nodeLogs (@{ node = text }), daemonSetsBecomeReady.
    .EXAMPLE
    Set-FakeKubernetesOption @{ jobBehavior = 'Hang' }
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] [hashtable] $Hashtable,
        $Server
    )

    Invoke-FakeKubernetesControl -Server $Server -Method Put -Path 'options' -Body $Hashtable | Out-Null
}

function Add-FakeKubernetesToken {
    <#
    .SYNOPSIS
    Makes the server accept a bearer token as -User (every call answered 403 with -Forbidden).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Token,
        [string] $User = 'fake-token-user',
        [switch] $Forbidden,
        $Server
    )

    Invoke-FakeKubernetesControl -Server $Server -Method Post -Path 'tokens' -Body @{ token = $Token; user = $User; forbidden = [bool] $Forbidden } | Out-Null
}

function New-FakeKubeConfig {
    <#
    .SYNOPSIS
    Writes a kubeconfig for the fake Kubernetes API server (CA inline; a static token user, or with -ClientCertificate
    the admin certificate CN=masterclient O=system:masters) to -Path, mode 0600 on Unix. Returns the file.
    .EXAMPLE
    New-FakeKubeConfig -Path (Join-Path $TestDrive kubeconfig) -Context fake-aks
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Path,
        [switch] $ClientCertificate,
        [string] $Context,
        $Server
    )

    $query = "user=$(if ($ClientCertificate) { 'clientCertificate' } else { 'token' })"
    if ($Context) { $query += "&context=$([Uri]::EscapeDataString($Context))" }
    $text = (Invoke-FakeKubernetesControl -Server $Server -Method Get -Path "kubeconfig?$query").kubeconfig
    $full = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
    New-Item -ItemType File -Path $full -Force | Out-Null
    if (-not $IsWindows) {
        [IO.File]::SetUnixFileMode($full, [IO.UnixFileMode]::UserRead -bor [IO.UnixFileMode]::UserWrite)
    }

    [IO.File]::WriteAllText($full, $text)
    Get-Item -LiteralPath $full
}

function Invoke-FakeKubernetesControl {
    param($Server, [string] $Method, [string] $Path, $Body)

    if ($null -eq $Server) {
        $fakeArm = Get-Module -Name FakeArm
        $Server = if ($fakeArm) { & $fakeArm { $script:Current } } else { $null }
    }

    if ($null -eq $Server -or -not $Server.KubernetesEndpoint) {
        throw 'No fake Kubernetes API server: call Start-FakeArm (FakeArm.psm1) first or pass -Server.'
    }

    $request = @{ Method = $Method; Uri = "$($Server.KubernetesEndpoint)_fake/k8s/$Path"; ContentType = 'application/json' }
    if ($null -ne $Body) {
        $request.Body = if ($Body -is [string]) { $Body } else { ConvertTo-Json -InputObject $Body -Depth 64 -Compress }
    }

    $response = Invoke-WebRequest @request
    if ($response.Content) {
        ConvertFrom-Json -InputObject $response.Content -DateKind String -Depth 64
    }
}

Export-ModuleMember -Function Get-FakeKubernetesObject, Set-FakeKubernetesObject, Remove-FakeKubernetesObject, Get-FakeKubernetesRequest,
    Clear-FakeKubernetesRequest, Reset-FakeKubernetes, Add-FakeKubernetesFault, Add-FakeKubernetesPodLog, Set-FakeKubernetesOption,
    Add-FakeKubernetesToken, New-FakeKubeConfig
