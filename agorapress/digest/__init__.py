"""The newsletter: editions of the portal by email (agora digest), archived under digest/ on the portal.

editions.py says which editions exist and what period each covers; compose.py what one says; letter.py renders it
(HTML email with inlined CSS, text part); message.py makes the .eml; archive.py the pages and feed on the portal;
providers.py the requests that hand an edition to a mailing service (listmonk, Buttondown).
"""
