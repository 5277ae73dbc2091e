using System.Management.Automation;
using AksSecurity.Completers;
using AksSecurity.Engine.Checks;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>
/// Lists the check catalogue: each check's id, title, severity, category, what it reads, why it matters, what fixes it,
/// and where CIS, the Microsoft cloud security benchmark and other scanners have it. -NotCovered lists the rules of other
/// tools the catalogue leaves out, and why.
/// </summary>
[Cmdlet(VerbsCommon.Get, "AksSecurityCheck", DefaultParameterSetName = CatalogSet)]
[OutputType(typeof(SecurityCheck), ParameterSetName = new[] { CatalogSet })]
[OutputType(typeof(ExternalRule), ParameterSetName = new[] { NotCoveredSet })]
public sealed class GetAksSecurityCheckCommand : AksCmdlet
{
    private const string CatalogSet = "Catalog";
    private const string NotCoveredSet = "NotCovered";

    [Parameter(Position = 0, ParameterSetName = CatalogSet, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(CheckIdCompleter))]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    public string[] CheckId { get; set; } = Array.Empty<string>();

    [Parameter(ParameterSetName = CatalogSet)]
    public Severity[] Severity { get; set; } = Array.Empty<Severity>();

    [Parameter(ParameterSetName = CatalogSet)]
    public CheckCategory[] Category { get; set; } = Array.Empty<CheckCategory>();

    [Parameter(Mandatory = true, ParameterSetName = NotCoveredSet)]
    public SwitchParameter NotCovered { get; set; }

    protected override void ProcessRecord()
    {
        if (NotCovered)
        {
            WriteObject(CheckCatalog.NotCovered, enumerateCollection: true);
            return;
        }

        foreach (var id in CheckId.Where(id => !Wildcard.HasWildcards(id) && CheckCatalog.Find(id) is null))
        {
            WriteError(ErrorRecords.From(new AksSecurityException(AksErrorKind.ObjectNotFound, $"No check has the id '{id}'.", id), id));
        }

        var checks = CheckCatalog.All
            .Where(c => CheckId.Length == 0 || CheckId.Any(p => Wildcard.IsMatch(c.Id, p)))
            .Where(c => Severity.Length == 0 || Severity.Contains(c.Severity))
            .Where(c => Category.Length == 0 || Category.Contains(c.Category));
        WriteObject(checks, enumerateCollection: true);
    }
}
