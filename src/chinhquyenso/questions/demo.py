"""Demo data: Q&A topics for the demo province (Thanh Hóa) and about forty published questions
with answers, plus some in progress, all made through the services so histories, deadlines and
the search index are real.

The answers are illustrative demo text written for the platform, citing only the main laws
(Luật Hộ tịch 2014, Nghị định 123/2015/NĐ-CP, Luật Cư trú 2020, Luật Đất đai 2024, Luật Bảo hiểm
xã hội 2024); they are not official answers. Idempotent: topics are found by code, a question is
made only when no question with its title exists in the province.
"""

import datetime

from django.db import transaction

from chinhquyenso.accounts.models import User
from chinhquyenso.agencies.models import Agency, AgencyKind

from . import services
from .models import Question, Status, Topic, TopicRoute

# (code, name, description, default department short code)
TOPICS = [
    ("ho-tich", "Hộ tịch", "Khai sinh, kết hôn, khai tử, trích lục, cải chính hộ tịch", "STP"),
    ("chung-thuc", "Chứng thực", "Chứng thực bản sao, chữ ký, hợp đồng", "STP"),
    ("cu-tru", "Cư trú", "Đăng ký thường trú, tạm trú, xác nhận cư trú", None),
    ("dat-dai", "Đất đai", "Cấp giấy chứng nhận, chuyển mục đích, tách thửa, thừa kế", "SNNMT"),
    ("ho-kinh-doanh", "Hộ kinh doanh", "Đăng ký, thay đổi, tạm ngừng hộ kinh doanh", "STC"),
    ("bao-hiem-xa-hoi", "Bảo hiểm xã hội, chính sách", "BHXH tự nguyện, trợ cấp, người có công", "SNV"),
    ("xay-dung", "Xây dựng", "Giấy phép xây dựng nhà ở riêng lẻ, sửa chữa nhà", "SXD"),
]

# (topic code, title, question body, answer)
PUBLISHED = [
    ("ho-tich", "Đăng ký khai sinh cho con khi cha mẹ chưa đăng ký kết hôn",
     "Vợ chồng tôi chưa đăng ký kết hôn, con sinh tháng 3/2026. Tôi có đăng ký khai sinh cho con được không và cần giấy tờ gì?",
     "Được. Theo Luật Hộ tịch 2014, người đi đăng ký khai sinh nộp tờ khai theo mẫu và giấy chứng sinh tại UBND xã nơi cư trú "
     "của cha hoặc mẹ. Nếu cha muốn nhận con, hai bên làm thủ tục đăng ký khai sinh kết hợp nhận cha con; cần văn bản, chứng "
     "cứ chứng minh quan hệ cha con (ví dụ giấy xét nghiệm ADN) hoặc văn bản cam đoan có ít nhất hai người làm chứng."),
    ("ho-tich", "Thời hạn đăng ký khai sinh là bao lâu, quá hạn có bị phạt không",
     "Con tôi sinh được 3 tháng nhưng chưa làm giấy khai sinh. Như vậy có bị phạt không?",
     "Cha, mẹ có trách nhiệm đăng ký khai sinh cho con trong thời hạn 60 ngày kể từ ngày sinh (Luật Hộ tịch 2014, Điều 15). "
     "Quá hạn vẫn được đăng ký; việc xử phạt vi phạm hành chính (nếu có) do cơ quan có thẩm quyền xem xét theo quy định. "
     "Gia đình nên đến UBND xã nơi cư trú để đăng ký sớm."),
    ("ho-tich", "Đăng ký khai sinh trực tuyến trên Cổng dịch vụ công",
     "Tôi có thể đăng ký khai sinh cho con qua mạng không, có phải lên xã không?",
     "Có. Thủ tục liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi thực hiện trực "
     "tuyến trên Cổng Dịch vụ công quốc gia hoặc ứng dụng VNeID. Bạn đăng nhập bằng tài khoản định danh điện tử, khai thông tin, "
     "tải ảnh giấy chứng sinh; kết quả điện tử được trả vào kho dữ liệu cá nhân."),
    ("ho-tich", "Đăng ký kết hôn cần những giấy tờ gì",
     "Tôi và bạn gái cùng thường trú ở Thanh Hóa, muốn đăng ký kết hôn thì chuẩn bị những gì?",
     "Hai bên nộp tờ khai đăng ký kết hôn theo mẫu, xuất trình giấy tờ tùy thân; nếu đăng ký ở nơi không phải nơi thường trú "
     "thì nộp thêm giấy xác nhận tình trạng hôn nhân. Hai bên phải có mặt khi nhận Giấy chứng nhận kết hôn. Nơi đăng ký: "
     "UBND xã nơi cư trú của một trong hai bên. Thời hạn giải quyết: ngay trong ngày nếu nộp trước 15 giờ."),
    ("ho-tich", "Đăng ký kết hôn với người nước ngoài thực hiện ở đâu",
     "Tôi kết hôn với công dân Hàn Quốc. Hồ sơ nộp ở UBND xã hay Sở Tư pháp?",
     "Từ ngày 01/7/2025, thẩm quyền đăng ký kết hôn có yếu tố nước ngoài thuộc UBND cấp xã nơi cư trú của công dân Việt Nam. "
     "Hồ sơ gồm tờ khai, giấy xác nhận của tổ chức y tế về việc không mắc bệnh tâm thần làm mất khả năng nhận thức, giấy tờ "
     "chứng minh tình trạng hôn nhân của người nước ngoài đã được hợp pháp hóa lãnh sự và dịch sang tiếng Việt."),
    ("ho-tich", "Xin cấp lại bản sao trích lục khai sinh bị mất",
     "Tôi làm mất bản sao giấy khai sinh, giờ cần bản sao để làm hồ sơ đi học. Xin ở đâu?",
     "Bạn yêu cầu cấp bản sao trích lục khai sinh tại bất kỳ cơ quan đăng ký hộ tịch nào đã kết nối Cơ sở dữ liệu hộ tịch điện "
     "tử, hoặc trực tuyến trên Cổng Dịch vụ công. Lệ phí theo quy định của HĐND tỉnh; kết quả có thể nhận bản điện tử."),
    ("ho-tich", "Cải chính họ tên trong giấy khai sinh do ghi sai",
     "Giấy khai sinh của con tôi ghi sai dấu trong tên (Hòa thành Hoà). Thủ tục sửa thế nào?",
     "Đây là cải chính hộ tịch do sai sót khi đăng ký. Bạn nộp tờ khai và giấy tờ chứng minh sai sót tại UBND xã nơi đã đăng ký "
     "khai sinh hoặc nơi cư trú. Thời hạn giải quyết 03 ngày làm việc (Luật Hộ tịch 2014, Điều 28)."),
    ("ho-tich", "Đăng ký khai tử cho người thân mất tại nhà",
     "Ông tôi mất tại nhà, gia đình cần làm giấy khai tử. Cần giấy tờ gì?",
     "Người thân nộp tờ khai và giấy báo tử (do UBND xã, công an xã hoặc cơ sở y tế cấp tùy trường hợp) tại UBND xã nơi cư trú "
     "cuối cùng của người chết trong thời hạn 15 ngày kể từ ngày chết. Việc đăng ký khai tử không thu lệ phí."),
    ("chung-thuc", "Chứng thực bản sao từ bản chính lệ phí bao nhiêu",
     "Tôi cần chứng thực 10 trang bản sao văn bằng. Lệ phí tính thế nào?",
     "Lệ phí chứng thực bản sao từ bản chính là 2.000 đồng/trang; từ trang thứ ba trở đi 1.000 đồng/trang, tối đa không quá "
     "200.000 đồng/bản (Thông tư 226/2016/TT-BTC). Bạn mang bản chính và bản chụp đến Bộ phận một cửa UBND xã."),
    ("chung-thuc", "Chứng thực chữ ký trên giấy ủy quyền",
     "Tôi muốn ủy quyền cho em trai nhận lương hưu thay. Có phải chứng thực chữ ký không?",
     "Giấy ủy quyền không có thù lao, không chuyển quyền sở hữu, quyền sử dụng tài sản được chứng thực chữ ký tại UBND xã. "
     "Người ký phải ký trước mặt người thực hiện chứng thực và xuất trình giấy tờ tùy thân còn hiệu lực."),
    ("chung-thuc", "Có chứng thực bản sao điện tử từ bản chính được không",
     "Tôi cần bản sao chứng thực điện tử để nộp hồ sơ trực tuyến, làm ở đâu?",
     "Được. Bạn mang bản chính đến Bộ phận một cửa hoặc yêu cầu trên Cổng Dịch vụ công; cán bộ số hóa bản chính, ký số và trả "
     "bản sao điện tử có giá trị sử dụng thay cho bản chính trong các giao dịch."),
    ("cu-tru", "Đăng ký thường trú cho con mới sinh",
     "Con tôi đã có giấy khai sinh. Đăng ký thường trú cùng bố mẹ thế nào?",
     "Trẻ được đăng ký thường trú tại nơi thường trú của cha, mẹ (Luật Cư trú 2020). Nếu đã làm liên thông khai sinh trên Cổng "
     "Dịch vụ công thì thường trú được đăng ký cùng lúc; nếu chưa, nộp tờ khai thay đổi thông tin cư trú tại công an cấp xã."),
    ("cu-tru", "Đăng ký tạm trú cho sinh viên thuê trọ",
     "Em là sinh viên thuê phòng trọ ở phường Hạc Thành. Có bắt buộc đăng ký tạm trú không?",
     "Công dân đến sinh sống tại chỗ ở hợp pháp ngoài phạm vi đơn vị hành chính cấp xã nơi thường trú từ 30 ngày trở lên phải "
     "đăng ký tạm trú. Em có thể đăng ký trực tuyến qua VNeID, cần văn bản đồng ý của chủ nhà trọ."),
    ("cu-tru", "Xác nhận thông tin cư trú thay sổ hộ khẩu",
     "Sổ hộ khẩu giấy không còn dùng, khi làm thủ tục cần chứng minh nơi ở thì dùng giấy gì?",
     "Bạn dùng thông tin cư trú trên ứng dụng VNeID hoặc đề nghị cấp giấy xác nhận thông tin về cư trú tại công an cấp xã hay "
     "trực tuyến. Cơ quan giải quyết thủ tục có trách nhiệm khai thác thông tin cư trú trong Cơ sở dữ liệu quốc gia về dân cư."),
    ("dat-dai", "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu cho đất ông bà để lại",
     "Gia đình tôi sử dụng ổn định thửa đất ở từ năm 1990, do ông bà để lại, chưa có sổ đỏ, không tranh chấp. Làm thủ tục thế nào?",
     "Hộ gia đình sử dụng đất ổn định, không tranh chấp, phù hợp quy hoạch được xem xét cấp Giấy chứng nhận theo Luật Đất đai "
     "2024. Hồ sơ gồm đơn đăng ký, giấy tờ về quyền sử dụng đất (nếu có), giấy tờ về thừa kế; nộp tại Bộ phận một cửa UBND xã "
     "hoặc chi nhánh văn phòng đăng ký đất đai. Tiền sử dụng đất (nếu phải nộp) tính theo thời điểm bắt đầu sử dụng."),
    ("dat-dai", "Tách thửa đất để chia cho các con cần điều kiện gì",
     "Tôi có 300 m² đất ở tại xã, muốn tách làm ba thửa cho ba con. Diện tích tối thiểu là bao nhiêu?",
     "Điều kiện tách thửa và diện tích tối thiểu do UBND tỉnh quy định theo Luật Đất đai 2024. Ông/bà liên hệ UBND xã để được "
     "hướng dẫn quy định hiện hành của tỉnh; hồ sơ gồm đơn đề nghị tách thửa, Giấy chứng nhận và bản vẽ đo đạc."),
    ("dat-dai", "Thủ tục đăng ký biến động khi nhận thừa kế quyền sử dụng đất",
     "Bố tôi mất, để lại mảnh đất đã có sổ đỏ. Anh em đã thỏa thuận phân chia. Tiếp theo làm gì?",
     "Các đồng thừa kế lập văn bản thỏa thuận phân chia di sản (công chứng hoặc chứng thực), sau đó nộp hồ sơ đăng ký biến "
     "động tại Bộ phận một cửa. Người nhận thừa kế là anh, chị, em ruột được miễn thuế thu nhập cá nhân và lệ phí trước bạ."),
    ("dat-dai", "Chuyển mục đích sử dụng đất vườn sang đất ở",
     "Tôi muốn chuyển 100 m² đất vườn liền kề nhà sang đất ở để xây nhà cho con. Thủ tục thế nào?",
     "Việc chuyển mục đích phải phù hợp kế hoạch sử dụng đất cấp xã đã được phê duyệt. Hồ sơ gồm đơn đề nghị và Giấy chứng nhận; "
     "UBND xã xem xét, quyết định. Người sử dụng đất nộp tiền sử dụng đất theo quy định."),
    ("dat-dai", "Sổ đỏ bị mất có được cấp lại không",
     "Nhà tôi bị cháy, mất Giấy chứng nhận quyền sử dụng đất. Xin cấp lại thế nào?",
     "Được. Ông/bà khai báo mất với UBND xã nơi có đất để niêm yết công khai; hết thời hạn niêm yết, nộp đơn đề nghị cấp lại "
     "tại Bộ phận một cửa. Thời hạn giải quyết theo thủ tục đã công bố của tỉnh."),
    ("dat-dai", "Đất đang thế chấp ngân hàng có được tặng cho không",
     "Thửa đất của tôi đang thế chấp vay vốn. Tôi muốn tặng cho con gái có được không?",
     "Tài sản đang thế chấp chỉ được chuyển nhượng, tặng cho khi bên nhận thế chấp (ngân hàng) đồng ý hoặc sau khi xóa đăng ký "
     "thế chấp. Ông/bà nên làm việc với ngân hàng trước khi lập hợp đồng tặng cho."),
    ("ho-kinh-doanh", "Đăng ký hộ kinh doanh cần giấy tờ gì",
     "Tôi muốn mở quán cà phê nhỏ tại nhà ở phường Hạc Thành. Đăng ký hộ kinh doanh cần chuẩn bị gì?",
     "Hồ sơ gồm giấy đề nghị đăng ký hộ kinh doanh, bản sao biên bản họp thành viên hộ gia đình (nếu các thành viên cùng đăng ký) "
     "và văn bản ủy quyền (nếu có). Nộp tại Bộ phận một cửa UBND xã nơi đặt địa điểm kinh doanh hoặc trực tuyến; thời hạn 03 "
     "ngày làm việc."),
    ("ho-kinh-doanh", "Hộ kinh doanh có bắt buộc khắc con dấu không",
     "Tôi đã có Giấy chứng nhận đăng ký hộ kinh doanh. Có phải làm con dấu không?",
     "Không bắt buộc. Hộ kinh doanh không có tư cách pháp nhân và không bắt buộc có con dấu; khi giao dịch, chủ hộ ký tên."),
    ("ho-kinh-doanh", "Tạm ngừng kinh doanh hộ cá thể phải thông báo trước bao lâu",
     "Tôi muốn tạm nghỉ bán hàng 6 tháng để đi làm xa. Cần làm gì?",
     "Hộ kinh doanh tạm ngừng kinh doanh từ 30 ngày trở lên phải thông báo cho cơ quan đăng ký kinh doanh cấp xã và cơ quan "
     "thuế trực tiếp quản lý. Hồ sơ là thông báo tạm ngừng theo mẫu; có thể nộp trực tuyến."),
    ("ho-kinh-doanh", "Bán hàng online tại nhà có phải đăng ký hộ kinh doanh không",
     "Tôi bán quần áo qua mạng xã hội, thu nhập không cố định. Có phải đăng ký kinh doanh không?",
     "Cá nhân kinh doanh thương mại điện tử có thu nhập thường xuyên nên đăng ký hộ kinh doanh và kê khai thuế theo quy định. "
     "Một số hoạt động thương mại nhỏ lẻ, không thường xuyên không phải đăng ký; bạn có thể đến Bộ phận một cửa để được tư vấn."),
    ("ho-kinh-doanh", "Thay đổi địa điểm kinh doanh của hộ kinh doanh sang xã khác",
     "Hộ kinh doanh của tôi chuyển địa điểm từ phường Hạc Thành sang phường Đông Sơn. Làm thủ tục gì?",
     "Hộ kinh doanh chuyển địa điểm sang xã, phường khác đăng ký thay đổi tại cơ quan đăng ký kinh doanh nơi đặt địa điểm mới; "
     "đồng thời thông báo cho cơ quan thuế."),
    ("bao-hiem-xa-hoi", "Mức đóng bảo hiểm xã hội tự nguyện năm 2026",
     "Tôi làm nông, muốn tham gia bảo hiểm xã hội tự nguyện để có lương hưu. Mỗi tháng phải đóng bao nhiêu?",
     "Mức đóng bằng 22% mức thu nhập tháng do người tham gia lựa chọn, thấp nhất bằng chuẩn hộ nghèo khu vực nông thôn. Nhà "
     "nước hỗ trợ một phần tiền đóng theo đối tượng (hộ nghèo, cận nghèo, đối tượng khác) theo Luật Bảo hiểm xã hội 2024. "
     "Bạn đăng ký tại đại lý thu BHXH ở xã hoặc qua ứng dụng VssID."),
    ("bao-hiem-xa-hoi", "Đóng bảo hiểm xã hội tự nguyện bao nhiêu năm thì được hưởng lương hưu",
     "Tôi 45 tuổi, chưa đóng BHXH ngày nào. Nếu đóng tự nguyện thì bao nhiêu năm được hưởng hưu?",
     "Theo Luật Bảo hiểm xã hội 2024 (hiệu lực từ 01/7/2025), người đủ tuổi nghỉ hưu và có từ đủ 15 năm đóng BHXH trở lên được "
     "hưởng lương hưu. Bạn có thể tham gia BHXH tự nguyện đến khi đủ điều kiện."),
    ("bao-hiem-xa-hoi", "Hưởng bảo hiểm xã hội một lần khi nghỉ việc",
     "Tôi nghỉ việc ở công ty được 1 năm, có được rút BHXH một lần không?",
     "Luật Bảo hiểm xã hội 2024 thu hẹp các trường hợp hưởng BHXH một lần đối với người bắt đầu tham gia từ 01/7/2025; người "
     "tham gia trước ngày đó được hưởng một lần khi đủ điều kiện theo quy định chuyển tiếp. Bạn liên hệ cơ quan BHXH để được "
     "tra cứu quá trình đóng và tư vấn cụ thể."),
    ("bao-hiem-xa-hoi", "Trợ cấp xã hội hằng tháng cho người cao tuổi",
     "Mẹ tôi 80 tuổi, không có lương hưu. Có được trợ cấp hằng tháng không?",
     "Người từ đủ 80 tuổi trở lên không có lương hưu, trợ cấp BHXH hằng tháng thuộc diện hưởng trợ cấp xã hội hằng tháng. Gia "
     "đình nộp tờ khai tại UBND xã nơi cư trú; UBND xã xem xét, quyết định."),
    ("bao-hiem-xa-hoi", "Thủ tục hưởng chế độ thai sản cho lao động nữ",
     "Tôi sắp sinh con, đang đóng BHXH bắt buộc ở công ty. Làm thủ tục thai sản thế nào?",
     "Lao động nữ đóng BHXH từ đủ 6 tháng trở lên trong 12 tháng trước khi sinh được hưởng chế độ thai sản. Sau khi sinh, bạn nộp "
     "bản sao giấy khai sinh hoặc giấy chứng sinh cho công ty để công ty lập hồ sơ gửi cơ quan BHXH."),
    ("bao-hiem-xa-hoi", "Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
     "Con tôi 2 tuổi chưa có thẻ BHYT. Có phải đóng tiền không?",
     "Trẻ em dưới 6 tuổi được ngân sách nhà nước đóng BHYT. Nếu đã làm liên thông đăng ký khai sinh thì thẻ được cấp cùng; nếu "
     "chưa, gia đình liên hệ UBND xã hoặc đại lý BHXH để được cấp."),
    ("xay-dung", "Xây nhà ở nông thôn có cần giấy phép xây dựng không",
     "Tôi xây nhà 2 tầng ở xã, không thuộc khu quy hoạch đô thị. Có phải xin giấy phép không?",
     "Nhà ở riêng lẻ ở nông thôn không thuộc khu vực có quy hoạch đô thị, quy hoạch xây dựng khu chức năng, quy hoạch chi tiết "
     "xây dựng điểm dân cư nông thôn được duyệt và không thuộc khu bảo tồn, di tích thì được miễn giấy phép xây dựng. Bạn nên "
     "hỏi UBND xã về quy hoạch tại vị trí thửa đất."),
    ("xay-dung", "Hồ sơ xin giấy phép xây dựng nhà ở riêng lẻ tại phường",
     "Tôi xây nhà 4 tầng ở phường Hạc Thành. Hồ sơ xin phép gồm những gì?",
     "Hồ sơ gồm đơn đề nghị cấp giấy phép xây dựng, bản sao giấy tờ chứng minh quyền sử dụng đất, bản vẽ thiết kế (mặt bằng, "
     "mặt cắt, mặt đứng, móng). Nộp tại Bộ phận một cửa UBND phường; thời hạn giải quyết 15 ngày."),
    ("xay-dung", "Sửa chữa, cải tạo nhà có phải xin phép không",
     "Tôi muốn sơn lại, thay mái tôn và lát lại nền nhà. Có cần giấy phép không?",
     "Sửa chữa, cải tạo bên trong công trình hoặc bên ngoài không làm thay đổi kết cấu chịu lực, công năng, kiến trúc mặt ngoài "
     "tiếp giáp đường phố thì được miễn giấy phép xây dựng."),
    ("xay-dung", "Gia hạn giấy phép xây dựng đã hết hạn khởi công",
     "Giấy phép xây dựng cấp 13 tháng trước, tôi chưa khởi công. Phải làm gì?",
     "Giấy phép hết hiệu lực khởi công sau 12 tháng kể từ ngày cấp nếu chưa khởi công. Trước thời điểm đó, chủ đầu tư đề nghị "
     "gia hạn; nếu đã quá hạn thì phải đề nghị cấp giấy phép mới."),
    ("ho-tich", "Xác nhận tình trạng hôn nhân để mua nhà",
     "Tôi độc thân, cần giấy xác nhận tình trạng hôn nhân để công chứng hợp đồng mua nhà.",
     "Bạn nộp tờ khai tại UBND xã nơi thường trú hoặc trực tuyến, ghi rõ mục đích sử dụng. Giấy xác nhận có giá trị 06 tháng kể "
     "từ ngày cấp và dùng đúng mục đích ghi trên giấy."),
    ("ho-tich", "Nhận cha mẹ con cho con đã có giấy khai sinh",
     "Con tôi đã có giấy khai sinh nhưng bỏ trống phần tên cha. Nay cha cháu muốn nhận con.",
     "Hai bên làm thủ tục đăng ký nhận cha, con tại UBND xã nơi cư trú của người nhận hoặc người được nhận; nộp tờ khai và chứng "
     "cứ chứng minh quan hệ cha con. Sau khi đăng ký, thông tin người cha được bổ sung vào sổ hộ tịch."),
    ("chung-thuc", "Chứng thực hợp đồng mua bán xe máy ở đâu",
     "Tôi mua lại xe máy của người quen, cần chứng thực hợp đồng mua bán ở đâu?",
     "Hợp đồng mua bán xe của cá nhân được công chứng tại tổ chức hành nghề công chứng hoặc chứng thực tại UBND xã. Hai bên mang "
     "giấy tờ tùy thân và giấy đăng ký xe."),
    ("dat-dai", "Tra cứu quy hoạch sử dụng đất của thửa đất ở đâu",
     "Tôi định mua một mảnh đất, muốn biết có nằm trong quy hoạch không thì tra ở đâu?",
     "Quy hoạch, kế hoạch sử dụng đất được công bố công khai tại trụ sở UBND xã và trên cổng thông tin của tỉnh. Bạn có thể đề "
     "nghị cung cấp thông tin đất đai tại văn phòng đăng ký đất đai."),
    ("cu-tru", "Đăng ký thường trú vào nhà người thân",
     "Tôi muốn nhập khẩu vào nhà bác ruột. Có được không?",
     "Được nếu chủ hộ và chủ sở hữu chỗ ở hợp pháp đồng ý (Luật Cư trú 2020, Điều 20). Bạn nộp tờ khai thay đổi thông tin cư trú "
     "có ý kiến đồng ý của chủ hộ tại công an xã hoặc trực tuyến."),
]

# In progress: (topic, title, body, status to reach, days ago received)
IN_PROGRESS = [
    ("ho-tich", "Đăng ký lại khai sinh cho người sinh năm 1960 mất giấy tờ gốc",
     "Bố tôi sinh năm 1960, bản chính giấy khai sinh bị mất, sổ đăng ký cũng không còn. Đăng ký lại thế nào?",
     Status.SUBMITTED, 30),
    ("dat-dai", "Đo đạc lại diện tích đất thực tế lớn hơn sổ đỏ",
     "Diện tích đo thực tế nhiều hơn 20 m² so với Giấy chứng nhận. Có được cấp đổi theo diện tích mới không?",
     Status.SUBMITTED, 1),
    ("ho-kinh-doanh", "Đăng ký hộ kinh doanh ngành nghề dịch vụ ăn uống cần giấy an toàn thực phẩm",
     "Tôi mở quán bún, ngoài đăng ký hộ kinh doanh có cần giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm không?",
     Status.ASSIGNED, 10),
    ("bao-hiem-xa-hoi", "Người có công được hỗ trợ cải thiện nhà ở",
     "Bố tôi là thương binh, nhà xuống cấp. Có chính sách hỗ trợ sửa nhà không?",
     Status.DRAFTED, 12),
    ("xay-dung", "Xây tường rào có cần giấy phép không",
     "Tôi muốn xây tường rào quanh đất vườn, cao 2 m. Có phải xin phép không?",
     Status.APPROVED, 16),
    ("cu-tru", "Xóa đăng ký thường trú khi đi làm ở nước ngoài",
     "Tôi sắp đi lao động ở Nhật 3 năm. Có bị xóa hộ khẩu không?",
     Status.INFO_REQUESTED, 4),
]

DRAFT = "Dự thảo: Theo quy định hiện hành, ông/bà chuẩn bị hồ sơ theo hướng dẫn và nộp tại Bộ phận một cửa UBND xã."


def _agency(province, short_name):
    if short_name is None:
        return None
    return Agency.objects.filter(province=province, short_name=short_name, kind=AgencyKind.DEPARTMENT).first()


@transaction.atomic
def _topics(province, commune_pc) -> dict[str, Topic]:
    made = {}
    for position, (code, name, description, dept) in enumerate(TOPICS):
        topic = Topic.objects.filter(province=province, code=code).first()
        if topic is None:
            topic = Topic.objects.create(province=province, code=code, name=name, description=description,
                                         default_agency=_agency(province, dept), position=position)
        if commune_pc is not None:
            TopicRoute.objects.get_or_create(topic=topic, unit=commune_pc.unit, defaults={"agency": commune_pc})
        made[code] = topic
    return made


def load(province, stdout) -> None:
    commune_pc = Agency.objects.filter(province=province, kind=AgencyKind.COMMUNE_PC).order_by("unit__code").first()
    topics = _topics(province, commune_pc)
    specialist = User.objects.filter(username="chuyenvien").first()
    leader = User.objects.filter(username="lanhdao").first()
    citizen = User.objects.filter(username="congdan").first()
    if commune_pc is None or specialist is None or leader is None:
        stdout.write("questions: thiếu cơ quan hoặc tài khoản mẫu, chỉ nạp chủ đề.")
        return
    existing = set(Question.objects.filter(province=province).values_list("title", flat=True))
    now = datetime.datetime.now(datetime.UTC)
    made = 0
    per_topic: dict[str, int] = {}
    for i, (code, title, body, answer) in enumerate(PUBLISHED):
        if title in existing:
            continue
        received = now - datetime.timedelta(days=200 - i * 4, hours=i % 5)
        q = services.submit(
            topic=topics[code], title=title, body=body, unit=commune_pc.unit, asker_name=f"Người hỏi mẫu {i + 1}",
            asker_email=f"nguoihoi{i + 1}@demo.chinhquyenso.vn", now=received,
        ).question
        q = services.act(q, "assign", leader, assignee=specialist, now=received + datetime.timedelta(hours=20))
        q = services.act(q, "draft", specialist, answer=answer, now=received + datetime.timedelta(days=4))
        q = services.act(q, "approve", leader, now=received + datetime.timedelta(days=6))
        q = services.act(q, "publish", leader, now=received + datetime.timedelta(days=7))
        per_topic[code] = per_topic.get(code, 0) + 1
        if per_topic[code] <= 2:
            services.set_faq(q, leader, True, per_topic[code])
        made += 1
    for code, title, body, status, days in IN_PROGRESS:
        if title in existing:
            continue
        received = now - datetime.timedelta(days=days)
        q = services.submit(topic=topics[code], title=title, body=body, unit=commune_pc.unit,
                            user=citizen, asker_name="" if citizen else "Người hỏi mẫu",
                            asker_email="" if citizen else "nguoihoi@demo.chinhquyenso.vn", now=received).question
        if status == Status.INFO_REQUESTED:
            services.act(q, "request_info", leader, note="Xin cho biết ông/bà đi lao động theo hợp đồng nào và thời hạn bao lâu.",
                         now=received + datetime.timedelta(days=1))
        elif status != Status.SUBMITTED:
            q = services.act(q, "assign", leader, assignee=specialist, now=received + datetime.timedelta(days=1))
            if status in (Status.DRAFTED, Status.APPROVED):
                q = services.act(q, "draft", specialist, answer=DRAFT, now=received + datetime.timedelta(days=3))
            if status == Status.APPROVED:
                services.act(q, "approve", leader, now=received + datetime.timedelta(days=14))
        made += 1
    stdout.write(f"questions: {len(topics)} chủ đề, {made} câu hỏi mới.")
