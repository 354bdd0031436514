//! The header's profile of the person signed in.

use duban_domain::account::profile;

use crate::{World, storage_test};

async fn the_header_names_the_person_their_unit_and_unread_notices(w: &World) {
    let p = profile(&w.ctx(&w.clerk_a)).await.unwrap();
    assert_eq!(
        (p.display_name.as_str(), p.unit_name.as_deref()),
        ("民政局张科员", Some("市民政局"))
    );
    assert_eq!(
        p.unread_notifications, 2,
        "told of the two items issued to 市民政局"
    );
    let p = profile(&w.ctx(&w.inspector)).await.unwrap();
    assert_eq!(p.unit_name.as_deref(), Some("市政府办公室"));
}
storage_test!(the_header_names_the_person_their_unit_and_unread_notices);
