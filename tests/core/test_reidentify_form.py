"""The re-identification form refuses in the reader's language, under the field concerned
(issue 16, item 3): a bokmål adviser reads bokmål."""

from conftest import as_read


def test_a_refusal_reaches_a_bokmal_adviser_in_bokmal_under_the_reason(dashboard):
    at = dashboard("pseudonyms", lang="nb")
    at.text_input[0].input("p-0000000000000000")
    at.button[0].click().run()
    assert not at.exception
    assert [as_read(error.value) for error in at.error] == [
        "reason: å reidentifisere en person krever en skriftlig begrunnelse"]
    # Under the reason, in its slot: the pseudonym's slot stays empty.
    form = at.get("form")[0]
    assert [child.type for child in form.children.values()] == ["text_input", "empty", "text_area", "error", "button"]
