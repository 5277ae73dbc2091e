using AksSecurity.Engine.Tests.TestData;
using AksSecurity.Engine.Tools.KubeBench;

namespace AksSecurity.Engine.Tests.Tools.KubeBench;

public class KubeBenchOutputTests
{
    [Fact]
    public void The_object_with_totals_gives_one_result_per_check_with_every_field()
    {
        var results = KubeBenchOutput.Parse(KubeBenchSamples.Read("result.json"), "c1", "node-a");

        Assert.Equal(new[] { "1.1.1", "2.1", "3.1.1" }, results.Select(r => r.Id));
        var first = results[0];
        Assert.Equal(("c1", "node-a", "1.5", "1.1", "Master Node Configuration Files"), (first.Cluster, first.Node, first.Benchmark, first.Section, first.SectionDescription));
        Assert.Equal("Ensure that the API server pod specification file permissions are set to 644 or more restrictive (Scored)", first.Description);
        Assert.Equal(KubeBenchStatus.Pass, first.Status);
        Assert.True(first.Scored);
        Assert.Equal("permissions=600", first.ActualValue);
        Assert.Equal("bitmask '600' AND '644'", first.ExpectedResult);
        Assert.StartsWith("Run the below command", first.Remediation);
        Assert.Equal("", first.Reason);
        Assert.Equal("", first.Type);
        Assert.Equal("1.15", results[1].Benchmark);
    }

    [Fact]
    public void The_bare_array_without_totals_reads_the_same_checks()
    {
        var withTotals = KubeBenchOutput.Parse(KubeBenchSamples.Read("result.json"), "c1", "n");
        var bare = KubeBenchOutput.Parse(KubeBenchSamples.Read("result_no_totals.json"), "c1", "n");

        Assert.Equal(withTotals.Select(r => (r.Id, r.Status, r.ActualValue)), bare.Select(r => (r.Id, r.Status, r.ActualValue)));
    }

    [Theory]
    [InlineData("controlsCollection.json", new[] { "2.1", "3.1.1", "1.1.1" })]
    [InlineData("passedControlsCollection.json", new[] { "2.1", "3.1.1" })]
    public void Every_json_fixture_parses_in_kube_bench_order(string file, string[] ids)
    {
        var results = KubeBenchOutput.Parse(KubeBenchSamples.Read(file), "c1", "n");

        Assert.Equal(ids, results.Select(r => r.Id));
        if (file.StartsWith("passed", StringComparison.Ordinal))
        {
            // kube-bench's "passed" collection (its exit-code test input) has no FAIL; its manual check is WARN.
            Assert.Equal(new[] { KubeBenchStatus.Pass, KubeBenchStatus.Warn }, results.Select(r => r.Status));
        }
    }

    [Fact]
    public void The_v0_15_6_node_output_with_its_newer_fields_is_read()
    {
        var results = KubeBenchOutput.Parse(KubeBenchSamples.Read(KubeBenchSamples.AksNode), "c1", "aks-nodepool1-0");

        Assert.Equal(13, results.Count);
        Assert.All(results, r => Assert.Equal("aks-1.8", r.Benchmark));
        Assert.Equal(new[] { "3.2.4", "3.2.9" }, results.Where(r => r.Status == KubeBenchStatus.Fail).Select(r => r.Id));
        var readOnlyPort = results.Single(r => r.Id == "3.2.4");
        Assert.Equal(("3.2", "Kubelet"), (readOnlyPort.Section, readOnlyPort.SectionDescription));
        Assert.Contains("--read-only-port=0", readOnlyPort.Remediation);
        Assert.StartsWith("root ", readOnlyPort.ActualValue);
        Assert.Contains("readOnlyPort", readOnlyPort.ExpectedResult);
        var summary = KubeBenchOutput.Summarize("c1", "aks-nodepool1-0", "aks-1.8", results);
        Assert.Equal((11, 2, 0, 0, true), (summary.Pass, summary.Fail, summary.Warn, summary.Info, summary.Succeeded));
    }

    [Fact]
    public void Unknown_keys_are_ignored_missing_ones_are_empty_and_a_skip_group_types_its_checks()
    {
        const string log = """
            {"Controls":[{"id":3,"version":"aks-1.8","future":{"x":1},"tests":[
              {"section":"3.9","type":"skip","desc":"Skipped group","results":[{"test_number":"3.9.1","status":"INFO","brandNew":[1,2]}]},
              {"section":"3.2","results":[{"test_number":"3.2.1","test_desc":"anon","status":"WARN","type":"manual","reason":"Test marked as a manual test","scored":false}]},
              {"section":"3.3","results":null}]}],
             "Totals":{"total_pass":0,"total_fail":0,"total_warn":1,"total_info":1},"Extra":true}
            """;

        var results = KubeBenchOutput.Parse(log, "c1", "n");

        Assert.Equal(2, results.Count);
        Assert.Equal(("3.9.1", KubeBenchStatus.Info, "skip", ""), (results[0].Id, results[0].Status, results[0].Type, results[0].Description));
        Assert.Equal((KubeBenchStatus.Warn, "manual", "Test marked as a manual test", false), (results[1].Status, results[1].Type, results[1].Reason, results[1].Scored));
    }

    [Fact]
    public void Lines_before_the_json_are_skipped()
    {
        var log = "[INFO] kube-bench warming up\nWarning: something on stderr\n" + KubeBenchSamples.Read(KubeBenchSamples.AksNode) + "trailing text\n";

        Assert.Equal(13, KubeBenchOutput.Parse(log, "c1", "n").Count);
    }

    [Fact]
    public void The_text_output_is_refused_naming_the_node()
    {
        var error = Assert.Throws<AksSecurityException>(() => KubeBenchOutput.Parse(KubeBenchSamples.Read("Expected_output.txt"), "c1", "aks-nodepool1-2"));

        Assert.Equal(AksErrorKind.InvalidData, error.Kind);
        Assert.Contains("'aks-nodepool1-2'", error.Message);
        Assert.Contains("[INFO] 1 Master Node Security Configuration", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"Controls\": [ {\"id\": \"3\"")]
    [InlineData("\"just a string\"")]
    [InlineData("{\"Totals\": {}}")]
    public void Empty_truncated_or_foreign_json_is_refused(string log)
    {
        var error = Assert.Throws<AksSecurityException>(() => KubeBenchOutput.Parse(log, "c1", "n"));

        Assert.Equal(AksErrorKind.InvalidData, error.Kind);
        Assert.Contains("'n'", error.Message);
    }

    [Fact]
    public void An_unknown_status_is_refused_naming_the_check()
    {
        var log = """[{"id":"3","version":"aks-1.8","tests":[{"section":"3.1","results":[{"test_number":"3.1.1","status":"MAYBE"}]}]}]""";

        var error = Assert.Throws<AksSecurityException>(() => KubeBenchOutput.Parse(log, "c1", "n"));

        Assert.Contains("3.1.1", error.Message);
        Assert.Contains("MAYBE", error.Message);
    }
}
