using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace AksSecurity.TestServers;

/// <summary>
/// A private CA and a localhost server certificate kept in one directory, so that the fake servers speak real,
/// validated TLS. Clients either trust the CA explicitly (<see cref="CreateTrustingHandler"/>) or, out of process,
/// through <c>SSL_CERT_FILE=&lt;trust-bundle.pem&gt;</c>.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private const string CaPemFile = "ca.pem";
    private const string CaPfxFile = "ca.pfx";
    private const string ServerPfxFile = "server.pfx";
    private const string TrustBundleFile = "trust-bundle.pem";
    private const string LockFile = ".lock";
    private const string SystemBundlePath = "/etc/ssl/certs/ca-certificates.crt";
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    private TestCertificateAuthority(X509Certificate2 ca, X509Certificate2 server, string directory)
    {
        CaCertificate = ca;
        ServerCertificate = server;
        CaPemPath = Path.Combine(directory, CaPemFile);
        TrustBundlePath = Path.Combine(directory, TrustBundleFile);
    }

    public X509Certificate2 CaCertificate { get; }

    public X509Certificate2 ServerCertificate { get; }

    public string CaPemPath { get; }

    public string TrustBundlePath { get; }

    /// <summary>Creates the CA files in <paramref name="directory"/> the first time, and loads them afterwards.</summary>
    public static TestCertificateAuthority LoadOrCreate(string directory)
    {
        Directory.CreateDirectory(directory);
        // Test processes (xunit, the exe started by Pester) may race on the same directory: one at a time.
        using var directoryLock = AcquireLock(Path.Combine(directory, LockFile));

        var ca = LoadValid(Path.Combine(directory, CaPfxFile), issuer: null);
        if (ca is null)
        {
            ca = CreateCa();
            WriteAtomically(Path.Combine(directory, CaPfxFile), ca.Export(X509ContentType.Pfx));
        }

        var server = LoadValid(Path.Combine(directory, ServerPfxFile), issuer: ca);
        if (server is null)
        {
            server = IssueServerCertificate(ca);
            WriteAtomically(Path.Combine(directory, ServerPfxFile), server.Export(X509ContentType.Pfx));
        }

        var caPem = ca.ExportCertificatePem() + "\n";
        WriteIfDifferent(Path.Combine(directory, CaPemFile), caPem);
        var systemBundle = File.Exists(SystemBundlePath) ? File.ReadAllText(SystemBundlePath).TrimEnd() + "\n" : "";
        WriteIfDifferent(Path.Combine(directory, TrustBundleFile), systemBundle + caPem);

        return new TestCertificateAuthority(ca, server, directory);
    }

    /// <summary>
    /// A handler that validates the server's chain fully, with this CA as the only trusted root.
    /// The host name check of the platform still applies.
    /// </summary>
    public HttpClientHandler CreateTrustingHandler()
    {
        // A public-only copy, so the handler keeps working whatever happens to this object.
        var root = X509CertificateLoader.LoadCertificate(CaCertificate.RawData);
        return new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, presentedChain, errors) =>
            {
                if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(root);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ServerAuthOid));
                if (presentedChain is not null)
                {
                    foreach (var element in presentedChain.ChainElements)
                    {
                        chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                    }
                }

                return chain.Build(certificate);
            },
        };
    }

    /// <summary>
    /// Issues a client certificate (RSA 2048, EKU clientAuth, 30 days) signed by this CA, with the private key: the
    /// Kubernetes API server reads the user from CN and the groups from O, as AKS's admin credential
    /// (CN=masterclient, O=system:masters) is built.
    /// </summary>
    public X509Certificate2 IssueClientCertificate(string commonName, params string[] organizations)
    {
        ArgumentException.ThrowIfNullOrEmpty(commonName);
        var subject = new X500DistinguishedNameBuilder();
        foreach (var organization in organizations)
        {
            subject.AddOrganizationName(organization);
        }

        subject.AddCommonName(commonName);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ClientAuthOid)], critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(CaCertificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var now = DateTimeOffset.UtcNow;
        var notAfter = now.AddDays(30) < CaCertificate.NotAfter ? now.AddDays(30) : new DateTimeOffset(CaCertificate.NotAfter);
        using var issued = request.Create(CaCertificate, now.AddDays(-1), notAfter, RandomNumberGenerator.GetBytes(16));
        using var withKey = issued.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    /// <summary>True when <paramref name="certificate"/> chains to this CA (the only trusted root) and may authenticate a client.</summary>
    public bool IsClientCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(CaCertificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ClientAuthOid));
        return chain.Build(certificate);
    }

    public void Dispose()
    {
        ServerCertificate.Dispose();
        CaCertificate.Dispose();
    }

    private static FileStream AcquireLock(string path)
    {
        var deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive advisory lock (flock) on Unix and a share lock on Windows.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }

    /// <summary>Loads a PFX if it exists, is valid for at least another day and (for a leaf) was issued by <paramref name="issuer"/>.</summary>
    private static X509Certificate2? LoadValid(string path, X509Certificate2? issuer)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password: null, X509KeyStorageFlags.Exportable);
        }
        catch (CryptographicException)
        {
            return null;
        }

        var now = DateTime.Now;
        var usable = certificate.HasPrivateKey
            && certificate.NotBefore <= now
            && certificate.NotAfter > now.AddDays(1)
            && (issuer is null || certificate.IssuerName.RawData.AsSpan().SequenceEqual(issuer.SubjectName.RawData) && IsSignedBy(certificate, issuer));
        if (usable)
        {
            return certificate;
        }

        certificate.Dispose();
        return null;
    }

    private static bool IsSignedBy(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(issuer);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private static X509Certificate2 CreateCa()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=AksSecurity Test CA, O=AksSecurity tests", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        using var ca = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
        return Reload(ca);
    }

    private static X509Certificate2 IssueServerCertificate(X509Certificate2 ca)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthOid)], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        var now = DateTimeOffset.UtcNow;
        var notAfter = now.AddDays(30) < ca.NotAfter ? now.AddDays(30) : new DateTimeOffset(ca.NotAfter);
        using var issued = request.Create(ca, now.AddDays(-1), notAfter, RandomNumberGenerator.GetBytes(16));
        using var withKey = issued.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    /// <summary>A PFX round trip gives a certificate whose key is stored the way TLS servers and exports expect.</summary>
    private static X509Certificate2 Reload(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), password: null, X509KeyStorageFlags.Exportable);

    private static void WriteIfDifferent(string path, string content)
    {
        if (!File.Exists(path) || File.ReadAllText(path) != content)
        {
            WriteAtomically(path, Encoding.ASCII.GetBytes(content));
        }
    }

    /// <summary>Readers that do not take the lock (a TLS stack reading SSL_CERT_FILE) never see half a file.</summary>
    private static void WriteAtomically(string path, byte[] content)
    {
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}
