using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Reports;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Reports;

public sealed class BlobReportUploaderTests : IClassFixture<FakeArmFixture>
{
    private readonly FakeArmFixture _arm;

    public BlobReportUploaderTests(FakeArmFixture arm)
    {
        _arm = arm;
        arm.Server.ClearRequests();
    }

    [Theory]
    [InlineData("http://acct.blob.core.windows.net/reports", "https URL")]
    [InlineData("reports", "https URL")]
    [InlineData("https://acct.blob.core.windows.net/reports?sv=2023-11-03&sig=secret", "without a query or SAS token")]
    [InlineData("https://acct.blob.core.windows.net/", "names no container")]
    public void Unusable_container_uris_are_refused_before_anything_is_sent(string uri, string says)
    {
        var ex = Assert.Throws<AksSecurityException>(() => BlobReportUploader.ParseContainerUri(uri));
        Assert.Equal(AksErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains(says, ex.Message);
        Assert.DoesNotContain("secret", ex.Message);
    }

    [Fact]
    public void Blob_names_are_escaped_per_segment_under_the_container()
    {
        var container = BlobReportUploader.ParseContainerUri("https://acct.blob.core.windows.net/reports/");
        Assert.Equal("https://acct.blob.core.windows.net/reports/", container.AbsoluteUri);
        Assert.Equal("https://acct.blob.core.windows.net/reports/2026-05-26/run%201/aks-security.html",
            BlobReportUploader.BlobUri(container, "2026-05-26/run 1/aks-security.html").AbsoluteUri);
        Assert.Throws<AksSecurityException>(() => BlobReportUploader.BlobUri(container, "../escape.html"));
    }

    [Fact]
    public async Task A_session_with_only_an_ARM_token_cannot_upload()
    {
        var connection = await _arm.ConnectAsync();
        var ex = Assert.Throws<AksSecurityException>(() => new BlobReportUploader(connection));
        Assert.Equal(AksErrorKind.NotSupported, ex.Kind);
        Assert.Contains("Connect-AksSecurity -Identity", ex.Message);
    }

    [Fact]
    public async Task Uploads_a_block_blob_with_a_storage_token_and_never_replaces_one_without_overwrite()
    {
        var connection = await ArmConnection.ConnectAsync(new ConnectionRequest
        {
            Method = AuthenticationMethod.ServicePrincipalSecret,
            TenantId = "72f988bf-0000-0000-0000-000000000000",
            ClientId = "11111111-2222-3333-4444-555555555555",
            ClientSecret = FakeArmFixture.Secure("s3cr3t-value"),
            ArmEndpoint = _arm.Server.BaseUri.AbsoluteUri,
        }, new RecordingSink(), CancellationToken.None);
        var uploader = new BlobReportUploader(connection);
        var container = BlobReportUploader.ParseContainerUri($"{_arm.Server.BaseUri}devstoreaccount1/reports");
        var blob = BlobReportUploader.BlobUri(container, $"{Guid.NewGuid():N}/aks-security.json");
        var report = SecurityReport.Create(Array.Empty<ClusterTestResult>());

        Assert.Equal(blob, await uploader.UploadAsync(report, ReportFormat.Json, blob, overwrite: false, new RecordingSink(), CancellationToken.None));
        var put = Assert.Single(_arm.Server.Requests, r => r.Method == "PUT" && r.Path == blob.AbsolutePath);
        Assert.Equal(201, put.Status);
        Assert.Equal("BlockBlob", put.Headers["x-ms-blob-type"]);
        Assert.Equal(BlobReportUploader.StorageApiVersion, put.Headers["x-ms-version"]);
        Assert.Equal("*", put.Headers["If-None-Match"]);
        Assert.Equal("application/json", put.Headers["x-ms-blob-content-type"]);
        Assert.Contains("\"schemaVersion\"", put.Body);
        // The token came from Entra for Storage's audience, not ARM's.
        Assert.Contains(_arm.Server.Requests, r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal) && (r.Body ?? "").Contains("storage.azure.com", StringComparison.Ordinal));

        var again = await Assert.ThrowsAsync<AksSecurityException>(() => uploader.UploadAsync(report, ReportFormat.Json, blob, overwrite: false, new RecordingSink(), CancellationToken.None));
        Assert.Equal(AksErrorKind.InvalidArgument, again.Kind);
        Assert.Contains("-Force", again.Message);

        await uploader.UploadAsync(report, ReportFormat.Json, blob, overwrite: true, new RecordingSink(), CancellationToken.None);
        Assert.Equal(201, _arm.Server.Requests.Last(r => r.Method == "PUT").Status);
    }
}
