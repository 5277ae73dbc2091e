using AksSecurity.Engine.Pipelines;

namespace AksSecurity.Engine.Tests.Pipelines;

public sealed class AzurePipelinesLogTests
{
    [Theory]
    [InlineData("True", true)]
    [InlineData("true", true)]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("False", false)]
    public void Azure_pipelines_is_recognised_by_TF_BUILD(string? value, bool expected) =>
        Assert.Equal(expected, AzurePipelinesLog.IsAzurePipelines(name => name == "TF_BUILD" ? value : null));

    [Fact]
    public void A_warning_without_a_source_has_only_its_type()
    {
        Assert.Equal("##vso[task.logissue type=warning;]Suppression expired", AzurePipelinesLog.LogIssue(IssueType.Warning, "Suppression expired"));
    }

    [Fact]
    public void An_error_names_its_script_line_and_code()
    {
        var line = AzurePipelinesLog.LogIssue(IssueType.Error, "Not found", "/agent/_work/1/s/audit.ps1", 12, "ObjectNotFound,ResourceNotFound");
        Assert.Equal("##vso[task.logissue type=error;sourcepath=/agent/_work/1/s/audit.ps1;linenumber=12;code=ObjectNotFound,ResourceNotFound;]Not found", line);
    }

    [Fact]
    public void Properties_escape_percent_line_breaks_brackets_and_semicolons()
    {
        Assert.Equal("a%AZP25b%0Dc%0Ad%5De%3Bf", AzurePipelinesLog.EscapeProperty("a%b\rc\nd]e;f"));
        var line = AzurePipelinesLog.LogIssue(IssueType.Error, "m", "/w/odd;name].ps1", 3, "x;y");
        Assert.Equal("##vso[task.logissue type=error;sourcepath=/w/odd%3Bname%5D.ps1;linenumber=3;code=x%3By;]m", line);
    }

    [Fact]
    public void The_message_stays_on_one_line_and_keeps_semicolons_and_brackets()
    {
        var line = AzurePipelinesLog.LogIssue(IssueType.Error, "Gate failed: 2 finding(s);\r\n  a [High] 100%\n  b ]");
        Assert.Equal("##vso[task.logissue type=error;]Gate failed: 2 finding(s);%0D%0A  a [High] 100%AZP25%0A  b ]", line);
        Assert.DoesNotContain('\n', line);
    }

    [Theory]
    [InlineData("Authorization: Bearer abc.def-ghi was refused", "Authorization: Bearer *** was refused")]
    [InlineData("token eyJ0eXAiOiJKV1Q.eyJhdWQiOiJodHRwcyI6.c2lnbmF0dXJl leaked", "token *** leaked")]
    [InlineData("https://acct.blob.core.windows.net/c/b?sv=2023&sig=AbC%2Bd&se=1", "https://acct.blob.core.windows.net/c/b?sv=2023&sig=***&se=1")]
    [InlineData("client_secret=hunter2&client_id=app", "client_secret=***&client_id=app")]
    [InlineData("Cluster 'aks-prod-01' was not found.", "Cluster 'aks-prod-01' was not found.")]
    public void Secrets_that_reach_a_message_are_redacted(string message, string expected) =>
        Assert.Equal(expected, AzurePipelinesLog.Redact(message));
}
