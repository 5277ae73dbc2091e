namespace AksSecurity;

/// <summary>The report formats Export-AksSecurityReport writes.</summary>
public enum ReportFormat
{
    /// <summary>SARIF 2.1.0, for GitHub code scanning and the Azure DevOps SARIF viewer.</summary>
    Sarif,

    /// <summary>NUnit 3 test results, for Azure DevOps "Publish Test Results" (testResultsFormat NUnit).</summary>
    NUnit,

    /// <summary>JUnit XML test results, for Azure DevOps "Publish Test Results" (testResultsFormat JUnit) and other CI systems.</summary>
    JUnit,

    /// <summary>The results as JSON objects with stable property names.</summary>
    Json,

    /// <summary>Markdown for a pipeline summary page.</summary>
    Markdown,

    /// <summary>One self-contained HTML page for people.</summary>
    Html,
}
