from wagtail import blocks


class CalloutBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120)
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        icon = "warning"
        template = "cms/blocks/callout.html"


class HelplineBlock(blocks.StructBlock):
    name = blocks.CharBlock(max_length=120)
    phone = blocks.CharBlock(max_length=40, help_text="As dialled, e.g. 0808 2000 247")
    hours = blocks.CharBlock(max_length=120, required=False)
    description = blocks.TextBlock(required=False)

    class Meta:
        icon = "mobile-alt"
        template = "cms/blocks/helpline.html"


class ArticleBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        max_length=120, form_classname="title", template="cms/blocks/heading.html"
    )
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ul", "ol", "h3"])
    callout = CalloutBlock()
    helpline = HelplineBlock()
