using System.Text.RegularExpressions;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Checks;

public class CheckCatalogTests
{
    private static IReadOnlyList<ClusterTestResult> EveryResult() =>
        AuditScenarios.EveryCheckFails().SelectMany(AuditScenarios.RunEveryClass).ToArray();

    [Fact]
    public void Every_id_a_checks_class_emits_is_catalogued_and_every_catalogued_id_is_emitted()
    {
        var results = EveryResult();
        var failed = results.SelectMany(r => r.Findings).Select(f => f.CheckId).ToHashSet();
        var catalogued = CheckCatalog.All.Select(c => c.Id).ToHashSet();

        Assert.Empty(failed.Except(catalogued));
        Assert.Empty(catalogued.Except(failed));
        Assert.Empty(results.SelectMany(r => r.ChecksRun).Distinct().Except(catalogued));
    }

    [Fact]
    public void Findings_never_exceed_the_catalogued_severity_and_a_lower_one_is_explained()
    {
        foreach (var finding in EveryResult().SelectMany(r => r.Findings))
        {
            var check = CheckCatalog.Get(finding.CheckId);
            Assert.True(finding.Severity <= check.Severity, $"{finding.CheckId} reported {finding.Severity} above its catalogued {check.Severity}");
            if (finding.Severity < check.Severity)
            {
                Assert.False(string.IsNullOrEmpty(check.SeverityNote), $"{finding.CheckId} reported {finding.Severity} below {check.Severity} without a SeverityNote");
            }
        }
    }

    [Fact]
    public void Ids_are_unique_and_stable_in_form()
    {
        Assert.Equal(CheckCatalog.All.Count, CheckCatalog.All.Select(c => c.Id).Distinct().Count());
        Assert.All(CheckCatalog.All, c => Assert.Matches(@"^AKS-(API|AAD|POL|KV|MON|DEF|UPG|CFG|NODE|SSC)-\d{3}$", c.Id));
    }

    [Fact]
    public void Mappings_have_the_form_of_their_benchmark_or_tool()
    {
        Assert.All(CheckCatalog.All, c =>
        {
            Assert.All(c.Cis, s => Assert.Matches(@"^\d+\.\d+(\.\d+)?$", s));
            Assert.All(c.Mcsb, s => Assert.Matches(@"^(NS|IM|PA|DP|AM|LT|IR|PV|ES|BR|DS|GS)-\d+$", s));
            Assert.All(c.PSRule, s => Assert.Matches(@"^Azure\.AKS\.[A-Za-z]+$", s));
            Assert.All(c.Checkov, s => Assert.Matches(@"^CKV_AZURE_\d+$", s));
            Assert.All(c.Prowler, s => Assert.Matches(@"^aks_[a-z_]+$", s));
            Assert.All(c.Kubescape, s => Assert.Matches(@"^C-\d{4}$", s));
        });
    }

    [Fact]
    public void Every_entry_says_why_and_how_and_what_it_reads()
    {
        Assert.All(CheckCatalog.All, c =>
        {
            Assert.False(string.IsNullOrWhiteSpace(c.Title));
            var sentences = Regex.Matches(c.Rationale, @"[.!?](\s|$)").Count;
            Assert.InRange(sentences, 2, 3);
            Assert.EndsWith(".", c.Remediation);
            Assert.True(c.FixedBy.Length == 0 || Regex.IsMatch(c.FixedBy, @"^[A-Z][a-z]+-Aks[A-Za-z]+$"), c.FixedBy);
            // Inputs are document paths; a check that reads the document names them, one that does not has none.
            Assert.Equal(c.Evidence.HasFlag(CheckEvidence.Document), c.Inputs.Count > 0);
            Assert.All(c.Inputs, i => Assert.Matches(@"^(properties|identity|sku)\.", i));
            Assert.Equal($"docs/checks.md#{c.Id.ToLowerInvariant()}", c.DocumentationUrl);
        });
    }

    [Fact]
    public void Rules_of_other_tools_that_are_not_covered_are_named_with_a_reason()
    {
        var covered = CheckCatalog.All.SelectMany(c => c.PSRule.Concat(c.Checkov).Concat(c.Prowler).Concat(c.Kubescape)).ToHashSet();
        Assert.All(CheckCatalog.NotCovered, r =>
        {
            Assert.Contains(r.Tool, new[] { "PSRule", "Checkov", "Prowler", "kubescape" });
            Assert.DoesNotContain(r.RuleId, covered);
            Assert.False(string.IsNullOrWhiteSpace(r.Reason));
        });
    }

    [Fact]
    public void Find_ignores_case_and_get_refuses_an_unknown_id()
    {
        Assert.Same(CheckCatalog.Find("AKS-API-001"), CheckCatalog.Find("aks-api-001"));
        Assert.Null(CheckCatalog.Find("AKS-XYZ-001"));
        var error = Assert.Throws<AksSecurityException>(() => CheckCatalog.Get("AKS-XYZ-001"));
        Assert.Equal(AksErrorKind.InvalidArgument, error.Kind);
    }
}
