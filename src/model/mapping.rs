//! The mapping table: which resource types the model knows, and where each model field lives in
//! Terraform and in CloudFormation. Adding a resource type or an attribute is a row here.
//!
//! Paths are dotted; a Terraform segment may name a nested block (repeated blocks are each
//! visited) or an attribute; a CloudFormation segment names a property, and lists are walked
//! through implicitly. Each repeated block or list element gets its own `group` number so that
//! fields that belong together (a Classic ELB listener's protocol, port and certificate) stay
//! together.

use serde::Serialize;

/// What a resource is, for the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Certificate,
    CertificateValidation,
    Listener,
    ListenerCertificate,
    LoadBalancer,
    ClassicLoadBalancer,
    Distribution,
    DistributionTenant,
    ApiDomain,
    ApiDomainV2,
    SamApi,
    UserPoolDomain,
    AppSyncDomain,
    AmplifyDomain,
    BeanstalkEnvironment,
    SearchDomain,
    TransferServer,
    IotDomain,
    ClientVpn,
    LatticeService,
    VerifiedAccessEndpoint,
    FirewallTlsInspection,
    EnclaveAssociation,
    DnsZone,
    DnsRecord,
    SecurityGroup,
    SecurityGroupRule,
    SsmParameter,
    Other,
}

/// A model field: a fact of a resource that rules (through the facts) care about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// An attribute that attaches a certificate ARN.
    CertificateArn,
    /// API Gateway's regional certificate (the other attribute is edge-optimized).
    RegionalCertificateArn,
    DomainName,
    SubjectAlternativeNames,
    ValidationMethod,
    ValidationOptions,
    CertificateAuthority,
    PrivateKey,
    CertificateBody,
    Export,
    Region,
    Protocol,
    Port,
    LoadBalancer,
    Listener,
    Internal,
    Scheme,
    LoadBalancerType,
    SecurityGroups,
    ActionType,
    RedirectProtocol,
    Aliases,
    EndpointType,
    Name,
    RecordType,
    AliasTarget,
    Records,
    Zone,
    ZoneName,
    Value,
    Vpc,
    Ingress,
    CidrV4,
    CidrV6,
    FromPort,
    ToPort,
    IpProtocol,
    SecurityGroup,
    RuleType,
    /// Any attribute of a resource type the table does not know that references a resource.
    Mentions,
}

/// Where one field lives in each language (empty: that language cannot express it).
pub struct FieldPath {
    pub field: Field,
    pub terraform: &'static str,
    pub cloudformation: &'static str,
}

/// One row of the table: resource types of both languages and their fields.
pub struct TypeSpec {
    pub kind: Kind,
    pub terraform: &'static [&'static str],
    pub cloudformation: &'static [&'static str],
    pub fields: &'static [FieldPath],
}

macro_rules! f {
    ($field:ident, $tf:literal, $cfn:literal) => {
        FieldPath {
            field: Field::$field,
            terraform: $tf,
            cloudformation: $cfn,
        }
    };
}

/// The table. Sources: `../shared/reference/acm-and-peers.md` §3 (provider and CloudFormation
/// documentation for each integrated service).
pub static TYPES: &[TypeSpec] = &[
    TypeSpec {
        kind: Kind::Certificate,
        terraform: &["aws_acm_certificate"],
        cloudformation: &["AWS::CertificateManager::Certificate"],
        fields: &[
            f!(DomainName, "domain_name", "DomainName"),
            f!(SubjectAlternativeNames, "subject_alternative_names", "SubjectAlternativeNames"),
            f!(ValidationMethod, "validation_method", "ValidationMethod"),
            f!(ValidationOptions, "", "DomainValidationOptions"),
            f!(CertificateAuthority, "certificate_authority_arn", "CertificateAuthorityArn"),
            f!(PrivateKey, "private_key", ""),
            f!(CertificateBody, "certificate_body", ""),
            f!(Export, "options.export", "CertificateExport"),
            f!(Region, "region", ""),
        ],
    },
    TypeSpec {
        kind: Kind::CertificateValidation,
        terraform: &["aws_acm_certificate_validation"],
        cloudformation: &[],
        fields: &[f!(CertificateArn, "certificate_arn", "")],
    },
    TypeSpec {
        kind: Kind::Listener,
        terraform: &["aws_lb_listener", "aws_alb_listener"],
        cloudformation: &["AWS::ElasticLoadBalancingV2::Listener"],
        fields: &[
            f!(CertificateArn, "certificate_arn", "Certificates.CertificateArn"),
            f!(Protocol, "protocol", "Protocol"),
            f!(Port, "port", "Port"),
            f!(LoadBalancer, "load_balancer_arn", "LoadBalancerArn"),
            f!(ActionType, "default_action.type", "DefaultActions.Type"),
            f!(
                RedirectProtocol,
                "default_action.redirect.protocol",
                "DefaultActions.RedirectConfig.Protocol"
            ),
        ],
    },
    TypeSpec {
        kind: Kind::ListenerCertificate,
        terraform: &["aws_lb_listener_certificate", "aws_alb_listener_certificate"],
        cloudformation: &["AWS::ElasticLoadBalancingV2::ListenerCertificate"],
        fields: &[
            f!(CertificateArn, "certificate_arn", "Certificates.CertificateArn"),
            f!(Listener, "listener_arn", "ListenerArn"),
        ],
    },
    TypeSpec {
        kind: Kind::LoadBalancer,
        terraform: &["aws_lb", "aws_alb"],
        cloudformation: &["AWS::ElasticLoadBalancingV2::LoadBalancer"],
        fields: &[
            f!(Internal, "internal", ""),
            f!(Scheme, "", "Scheme"),
            f!(LoadBalancerType, "load_balancer_type", "Type"),
            f!(SecurityGroups, "security_groups", "SecurityGroups"),
        ],
    },
    TypeSpec {
        kind: Kind::ClassicLoadBalancer,
        terraform: &["aws_elb"],
        cloudformation: &["AWS::ElasticLoadBalancing::LoadBalancer"],
        fields: &[
            f!(CertificateArn, "listener.ssl_certificate_id", "Listeners.SSLCertificateId"),
            f!(Protocol, "listener.lb_protocol", "Listeners.Protocol"),
            f!(Port, "listener.lb_port", "Listeners.LoadBalancerPort"),
            f!(Internal, "internal", ""),
            f!(Scheme, "", "Scheme"),
            f!(SecurityGroups, "security_groups", "SecurityGroups"),
        ],
    },
    TypeSpec {
        kind: Kind::Distribution,
        terraform: &["aws_cloudfront_distribution", "aws_cloudfront_multitenant_distribution"],
        cloudformation: &["AWS::CloudFront::Distribution"],
        fields: &[
            f!(
                CertificateArn,
                "viewer_certificate.acm_certificate_arn",
                "DistributionConfig.ViewerCertificate.AcmCertificateArn"
            ),
            f!(Aliases, "aliases", "DistributionConfig.Aliases"),
        ],
    },
    TypeSpec {
        kind: Kind::DistributionTenant,
        terraform: &["aws_cloudfront_distribution_tenant"],
        cloudformation: &["AWS::CloudFront::DistributionTenant"],
        fields: &[
            f!(
                CertificateArn,
                "customizations.certificate.arn",
                "Customizations.Certificate.Arn"
            ),
            f!(Aliases, "domain.domain", "Domains.Domain"),
        ],
    },
    TypeSpec {
        kind: Kind::ApiDomain,
        terraform: &["aws_api_gateway_domain_name"],
        cloudformation: &["AWS::ApiGateway::DomainName", "AWS::ApiGateway::DomainNameV2"],
        fields: &[
            f!(CertificateArn, "certificate_arn", "CertificateArn"),
            f!(RegionalCertificateArn, "regional_certificate_arn", "RegionalCertificateArn"),
            f!(DomainName, "domain_name", "DomainName"),
            f!(EndpointType, "endpoint_configuration.types", "EndpointConfiguration.Types"),
        ],
    },
    TypeSpec {
        kind: Kind::ApiDomainV2,
        terraform: &["aws_apigatewayv2_domain_name"],
        cloudformation: &["AWS::ApiGatewayV2::DomainName"],
        fields: &[
            f!(
                CertificateArn,
                "domain_name_configuration.certificate_arn",
                "DomainNameConfigurations.CertificateArn"
            ),
            f!(DomainName, "domain_name", "DomainName"),
            f!(
                EndpointType,
                "domain_name_configuration.endpoint_type",
                "DomainNameConfigurations.EndpointType"
            ),
        ],
    },
    TypeSpec {
        kind: Kind::SamApi,
        terraform: &[],
        cloudformation: &["AWS::Serverless::Api", "AWS::Serverless::HttpApi"],
        fields: &[
            f!(CertificateArn, "", "Domain.CertificateArn"),
            f!(DomainName, "", "Domain.DomainName"),
            f!(EndpointType, "", "Domain.EndpointConfiguration"),
            f!(Zone, "", "Domain.Route53.HostedZoneId"),
            f!(ZoneName, "", "Domain.Route53.HostedZoneName"),
        ],
    },
    TypeSpec {
        kind: Kind::UserPoolDomain,
        terraform: &["aws_cognito_user_pool_domain"],
        cloudformation: &["AWS::Cognito::UserPoolDomain"],
        fields: &[
            f!(CertificateArn, "certificate_arn", "CustomDomainConfig.CertificateArn"),
            f!(DomainName, "domain", "Domain"),
        ],
    },
    TypeSpec {
        kind: Kind::AppSyncDomain,
        terraform: &["aws_appsync_domain_name"],
        cloudformation: &["AWS::AppSync::DomainName"],
        fields: &[
            f!(CertificateArn, "certificate_arn", "CertificateArn"),
            f!(DomainName, "domain_name", "DomainName"),
        ],
    },
    TypeSpec {
        kind: Kind::AmplifyDomain,
        terraform: &["aws_amplify_domain_association"],
        cloudformation: &["AWS::Amplify::Domain"],
        fields: &[
            f!(
                CertificateArn,
                "certificate_settings.custom_certificate_arn",
                "CertificateSettings.CustomCertificateArn"
            ),
            f!(DomainName, "domain_name", "DomainName"),
        ],
    },
    TypeSpec {
        kind: Kind::BeanstalkEnvironment,
        terraform: &[
            "aws_elastic_beanstalk_environment",
            "aws_elastic_beanstalk_configuration_template",
        ],
        cloudformation: &[
            "AWS::ElasticBeanstalk::Environment",
            "AWS::ElasticBeanstalk::ConfigurationTemplate",
        ],
        // Option settings are matched by namespace and name in the builders (see
        // `is_beanstalk_certificate_option`); the value is the certificate.
        fields: &[],
    },
    TypeSpec {
        kind: Kind::SearchDomain,
        terraform: &["aws_opensearch_domain", "aws_elasticsearch_domain"],
        cloudformation: &["AWS::OpenSearchService::Domain", "AWS::Elasticsearch::Domain"],
        fields: &[
            f!(
                CertificateArn,
                "domain_endpoint_options.custom_endpoint_certificate_arn",
                "DomainEndpointOptions.CustomEndpointCertificateArn"
            ),
            f!(
                DomainName,
                "domain_endpoint_options.custom_endpoint",
                "DomainEndpointOptions.CustomEndpoint"
            ),
            f!(Vpc, "vpc_options.subnet_ids", "VPCOptions"),
        ],
    },
    TypeSpec {
        kind: Kind::TransferServer,
        terraform: &["aws_transfer_server"],
        cloudformation: &["AWS::Transfer::Server"],
        fields: &[f!(CertificateArn, "certificate", "Certificate")],
    },
    TypeSpec {
        kind: Kind::IotDomain,
        terraform: &["aws_iot_domain_configuration"],
        cloudformation: &["AWS::IoT::DomainConfiguration"],
        fields: &[
            f!(CertificateArn, "server_certificate_arns", "ServerCertificateArns"),
            f!(DomainName, "domain_name", "DomainName"),
        ],
    },
    TypeSpec {
        kind: Kind::ClientVpn,
        terraform: &["aws_ec2_client_vpn_endpoint"],
        cloudformation: &["AWS::EC2::ClientVpnEndpoint"],
        fields: &[f!(CertificateArn, "server_certificate_arn", "ServerCertificateArn")],
    },
    TypeSpec {
        kind: Kind::LatticeService,
        terraform: &["aws_vpclattice_service"],
        cloudformation: &["AWS::VpcLattice::Service"],
        fields: &[
            f!(CertificateArn, "certificate_arn", "CertificateArn"),
            f!(DomainName, "custom_domain_name", "CustomDomainName"),
        ],
    },
    TypeSpec {
        kind: Kind::VerifiedAccessEndpoint,
        terraform: &["aws_verifiedaccess_endpoint"],
        cloudformation: &["AWS::EC2::VerifiedAccessEndpoint"],
        fields: &[
            f!(CertificateArn, "domain_certificate_arn", "DomainCertificateArn"),
            f!(DomainName, "application_domain", "ApplicationDomain"),
        ],
    },
    TypeSpec {
        kind: Kind::FirewallTlsInspection,
        terraform: &["aws_networkfirewall_tls_inspection_configuration"],
        cloudformation: &["AWS::NetworkFirewall::TLSInspectionConfiguration"],
        fields: &[f!(
            CertificateArn,
            "tls_inspection_configuration.server_certificate_configuration.server_certificate.resource_arn",
            "TLSInspectionConfiguration.ServerCertificateConfigurations.ServerCertificates.ResourceArn"
        )],
    },
    TypeSpec {
        kind: Kind::EnclaveAssociation,
        terraform: &[],
        cloudformation: &["AWS::EC2::EnclaveCertificateIamRoleAssociation"],
        fields: &[f!(CertificateArn, "", "CertificateArn")],
    },
    TypeSpec {
        kind: Kind::DnsZone,
        terraform: &["aws_route53_zone"],
        cloudformation: &["AWS::Route53::HostedZone"],
        fields: &[f!(Name, "name", "Name"), f!(Vpc, "vpc.vpc_id", "VPCs")],
    },
    TypeSpec {
        kind: Kind::DnsRecord,
        terraform: &["aws_route53_record"],
        cloudformation: &["AWS::Route53::RecordSet"],
        fields: &[
            f!(Name, "name", "Name"),
            f!(RecordType, "type", "Type"),
            f!(AliasTarget, "alias.name", "AliasTarget.DNSName"),
            f!(AliasTarget, "", "AliasTarget.HostedZoneId"),
            f!(Records, "records", "ResourceRecords"),
            f!(Zone, "zone_id", "HostedZoneId"),
            f!(ZoneName, "", "HostedZoneName"),
        ],
    },
    TypeSpec {
        kind: Kind::DnsRecord,
        terraform: &[],
        cloudformation: &["AWS::Route53::RecordSetGroup"],
        fields: &[
            f!(Name, "", "RecordSets.Name"),
            f!(RecordType, "", "RecordSets.Type"),
            f!(AliasTarget, "", "RecordSets.AliasTarget.DNSName"),
            f!(Records, "", "RecordSets.ResourceRecords"),
            f!(Zone, "", "HostedZoneId"),
            f!(ZoneName, "", "HostedZoneName"),
        ],
    },
    TypeSpec {
        kind: Kind::SecurityGroup,
        terraform: &["aws_security_group"],
        cloudformation: &["AWS::EC2::SecurityGroup"],
        fields: &[
            f!(CidrV4, "ingress.cidr_blocks", "SecurityGroupIngress.CidrIp"),
            f!(CidrV6, "ingress.ipv6_cidr_blocks", "SecurityGroupIngress.CidrIpv6"),
            f!(FromPort, "ingress.from_port", "SecurityGroupIngress.FromPort"),
            f!(ToPort, "ingress.to_port", "SecurityGroupIngress.ToPort"),
            f!(IpProtocol, "ingress.protocol", "SecurityGroupIngress.IpProtocol"),
        ],
    },
    TypeSpec {
        kind: Kind::SecurityGroupRule,
        terraform: &["aws_security_group_rule", "aws_vpc_security_group_ingress_rule"],
        cloudformation: &["AWS::EC2::SecurityGroupIngress"],
        fields: &[
            f!(SecurityGroup, "security_group_id", "GroupId"),
            f!(RuleType, "type", ""),
            f!(CidrV4, "cidr_blocks", "CidrIp"),
            f!(CidrV4, "cidr_ipv4", ""),
            f!(CidrV6, "ipv6_cidr_blocks", "CidrIpv6"),
            f!(CidrV6, "cidr_ipv6", ""),
            f!(FromPort, "from_port", "FromPort"),
            f!(ToPort, "to_port", "ToPort"),
            f!(IpProtocol, "protocol", "IpProtocol"),
            f!(IpProtocol, "ip_protocol", ""),
        ],
    },
    TypeSpec {
        kind: Kind::SsmParameter,
        terraform: &["aws_ssm_parameter"],
        cloudformation: &["AWS::SSM::Parameter"],
        fields: &[
            f!(Value, "value", "Value"),
            f!(Value, "insecure_value", ""),
        ],
    },
];

/// The table row for a Terraform or CloudFormation resource type.
pub fn spec_for(rtype: &str) -> Option<&'static TypeSpec> {
    TYPES
        .iter()
        .find(|t| t.terraform.contains(&rtype) || t.cloudformation.contains(&rtype))
}

pub fn kind_of(rtype: &str) -> Kind {
    spec_for(rtype).map_or(Kind::Other, |t| t.kind)
}

/// Elastic Beanstalk option settings that carry a certificate ARN.
pub fn is_beanstalk_certificate_option(namespace: &str, name: &str) -> bool {
    let namespace = namespace.to_ascii_lowercase();
    let is_listener = namespace.starts_with("aws:elbv2:listener:")
        || namespace.starts_with("aws:elb:listener:")
        || namespace == "aws:elb:loadbalancer";
    is_listener && (name == "SSLCertificateArns" || name == "SSLCertificateId")
}

/// Kinds whose certificate attribute means the certificate is in use by an ACM-integrated
/// service (everything that carries a certificate ARN except the validation resource).
pub fn is_consumer(kind: Kind) -> bool {
    !matches!(
        kind,
        Kind::Certificate
            | Kind::CertificateValidation
            | Kind::Other
            | Kind::DnsZone
            | Kind::DnsRecord
            | Kind::SecurityGroup
            | Kind::SecurityGroupRule
            | Kind::SsmParameter
            | Kind::LoadBalancer
    )
}
