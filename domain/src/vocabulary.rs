//! How the words of the domain are stored: every status, role and kind is
//! an enum kept as its snake_case name (a sea-orm active enum), serialized
//! the same way, documented for OpenAPI when the API asks, and named in
//! Chinese by `label()`.

/// Declares one vocabulary enum: each variant with the Chinese word people
/// read for it.
///
/// ```ignore
/// vocabulary! {
///     /// The office's answer to a completion request.
///     pub enum Decision {
///         Approve => "通过",
///         Return => "退回",
///     }
/// }
/// ```
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $label:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            sea_orm::EnumIter, sea_orm::DeriveActiveEnum, serde::Serialize, serde::Deserialize,
        )]
        #[serde(rename_all = "snake_case")]
        #[sea_orm(
            rs_type = "String",
            db_type = "String(sea_orm::sea_query::StringLen::N(32))",
            rename_all = "snake_case"
        )]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// The word people read.
            pub fn label(self) -> &'static str {
                match self {
                    $( $name::$variant => $label ),+
                }
            }
        }
    };
}

pub(crate) use vocabulary;
